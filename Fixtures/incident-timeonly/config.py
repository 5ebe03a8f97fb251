"""Voice assistant app configuration."""

CONFIG = {
    "livekit_url": "wss://voice-demo.livekit.cloud",
    "token_ttl_hours": 2,
    "agent_name": "voice-assistant",
}
