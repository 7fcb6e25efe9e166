"""Page views: parse the request, call a selector or service, render the answer or the refusal."""
