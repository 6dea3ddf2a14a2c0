"""A small, typed client for the parts of Twilio's REST API that trunk bindings need."""
