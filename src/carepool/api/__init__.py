"""The HTTP API (``/api/v1/``): thin handlers over the same services and selectors as the web.

Handlers parse the transport, call one service or selector, and render the result or the
errors. Business rules and permission checks live in the services, never here.
"""
