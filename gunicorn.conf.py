"""gunicorn settings riskreg relies on, whatever the command line adds (workers, bind).

gunicorn reads this file from its working directory; docker-compose names it too. It has no
limit for request bodies: riskreg's RequestSizeMiddleware refuses a large body before
reading it (2 MB; 10 MB and a little more for a workbook upload), and the TLS proxy in front
should refuse more than that too (nginx: client_max_body_size 11m).
"""

limit_request_line = 4094  # bytes in the request line: method, path and query
limit_request_fields = 50  # headers in a request
limit_request_field_size = 8190  # bytes in one header
