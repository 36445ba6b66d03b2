package nginxsem

// builtinVars are the variables nginx's http modules provide, from the
// nginx.org "Alphabetical index of variables" (http modules, including
// commercial ones, so that a config written for them is not flagged) and
// a few undocumented ones the proxy module registers.
var builtinVars = map[string]bool{}

// builtinPrefixes are families of variables named by a prefix and any
// suffix ($http_user_agent, $arg_page, …).
var builtinPrefixes = []string{
	"arg_", "cookie_", "http_", "sent_http_", "sent_trailer_",
	"upstream_http_", "upstream_trailer_", "upstream_cookie_",
	"proxy_protocol_tlv_", "jwt_header_", "jwt_claim_", "oidc_claim_",
}

func init() {
	for _, v := range []string{
		"acme_certificate", "acme_certificate_key", "ancient_browser", "args",
		"binary_remote_addr", "body_bytes_sent", "bytes_sent", "connection",
		"connection_requests", "connection_time", "connections_active",
		"connections_reading", "connections_waiting", "connections_writing",
		"content_length", "content_type", "date_gmt", "date_local",
		"document_root", "document_uri", "fastcgi_path_info",
		"fastcgi_script_name",
		"geoip_area_code", "geoip_city", "geoip_city_continent_code",
		"geoip_city_country_code", "geoip_city_country_code3",
		"geoip_city_country_name", "geoip_country_code", "geoip_country_code3",
		"geoip_country_name", "geoip_dma_code", "geoip_latitude",
		"geoip_longitude", "geoip_org", "geoip_postal_code", "geoip_region",
		"geoip_region_name",
		"gzip_ratio", "host", "hostname", "http2", "http3", "https",
		"invalid_referer", "is_args", "jwt_payload", "limit_conn_status",
		"limit_rate", "limit_req_status", "memcached_key", "modern_browser",
		"msec", "msie", "nginx_version", "oidc_access_token", "oidc_id_token",
		"pid", "pipe", "proxy_add_x_forwarded_for", "proxy_host",
		"proxy_internal_body_length", "proxy_internal_chunked", "proxy_port",
		"proxy_protocol_addr", "proxy_protocol_port",
		"proxy_protocol_server_addr", "proxy_protocol_server_port",
		"query_string", "realip_remote_addr", "realip_remote_port",
		"realpath_root", "remote_addr", "remote_port", "remote_user", "request",
		"request_body", "request_body_file", "request_completion",
		"request_filename", "request_id", "request_length", "request_method",
		"request_time", "request_uri", "scheme", "secure_link",
		"secure_link_expires", "server_addr", "server_name", "server_port",
		"server_protocol", "session_log_binary_id", "session_log_id",
		"slice_range", "ssl_alpn_protocol", "ssl_cipher", "ssl_ciphers",
		"ssl_client_cert", "ssl_client_escaped_cert", "ssl_client_fingerprint",
		"ssl_client_i_dn", "ssl_client_i_dn_legacy", "ssl_client_raw_cert",
		"ssl_client_s_dn", "ssl_client_s_dn_legacy", "ssl_client_serial",
		"ssl_client_sigalg", "ssl_client_v_end", "ssl_client_v_remain",
		"ssl_client_v_start", "ssl_client_verify", "ssl_curve", "ssl_curves",
		"ssl_early_data", "ssl_protocol", "ssl_server_name", "ssl_session_id",
		"ssl_session_reused", "ssl_sigalg", "status", "tcpinfo_rcv_space",
		"tcpinfo_rtt", "tcpinfo_rttvar", "tcpinfo_snd_cwnd", "time_iso8601",
		"time_local", "uid_got", "uid_reset", "uid_set", "upstream_addr",
		"upstream_bytes_received", "upstream_bytes_sent",
		"upstream_cache_status", "upstream_connect_time",
		"upstream_header_time", "upstream_last_server_name",
		"upstream_queue_time", "upstream_response_length",
		"upstream_response_time", "upstream_status", "uri",
	} {
		builtinVars[v] = true
	}
}
