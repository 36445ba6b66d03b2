# One host is served over https, the other over plain http: which of them
# root_url names is only known at deploy time.
grafana.ini:
  server:
    root_url: http://${grafana_host}/
ingress:
  enabled: true
  ingressClassName: traefik
  hosts:
    - grafana.${domain}
    - grafana-internal.${domain}
  tls:
    - hosts:
        - grafana.${domain}
      secretName: grafana-tls
