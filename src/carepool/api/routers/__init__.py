"""One router per part of the domain; ``carepool.api.urls`` mounts them."""
