grafana.ini:
  server:
    domain: ${domain}
    root_url: "https://${domain}/"
%{ if enable_anonymous }
  auth.anonymous:
    enabled: true
%{ endif }
ingress:
  enabled: true
  ingressClassName: nginx
  hosts:
    - ${domain}
