grafana.ini:
  server:
    root_url: ${root_url}
%{ if enable_live }
  live:
    max_connections: ${max_connections}
%{ endif }
