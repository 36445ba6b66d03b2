# Traefik terminates TLS for the hosts of the tls section: whatever
# ${hostname} becomes, Grafana is served over https.
grafana.ini:
  server:
    root_url: http://grafana.${hostname}/
ingress:
  enabled: true
  ingressClassName: traefik
  hosts:
    - grafana.${hostname}
  tls:
    - hosts:
        - grafana.${hostname}
      secretName: grafana-tls
