# Rendered by Terraform's templatefile: the host is only known at deploy
# time, root_url says https, as the Ingress serves it.
grafana.ini:
  server:
    domain: monitoring.${hostname}
    root_url: "https://%(domain)s/grafana"
    serve_from_sub_path: true
ingress:
  enabled: true
  annotations:
    kubernetes.io/ingress.class: nginx
  hosts:
    - "monitoring.${hostname}"
  path: "/"
  tls:
    - hosts:
        - monitoring.${hostname}
      secretName: monitoring-tls
