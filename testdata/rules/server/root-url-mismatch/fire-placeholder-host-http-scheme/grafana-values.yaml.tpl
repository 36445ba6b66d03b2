# Rendered by Terraform's templatefile: the host is only known at deploy
# time, the scheme (Grafana's default protocol, http) is not.
grafana.ini:
  server:
    domain: monitoring.${hostname}
    root_url: "%(protocol)s://%(domain)s/grafana"
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
