TOKEN_TTL_HOURS = 2
token_ttl_hours = 2
