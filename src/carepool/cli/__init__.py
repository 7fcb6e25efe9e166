"""The ``carepool`` command: a thin layer over the same services and selectors as web and API."""
