# Without tls the Ingress serves http: an http root_url may be right
# whatever the host becomes.
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
