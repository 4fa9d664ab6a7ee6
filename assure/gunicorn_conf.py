"""gunicorn's settings for Assure's web server: ``gunicorn -c python:assure.gunicorn_conf assure.wsgi``.

Read from the environment file like everything else (docs/deploy.md lists the variables):

- ``ASSURE_WEB_BIND``: where nginx reaches it (default ``unix:/run/assure-web/gunicorn.sock``);
- ``ASSURE_WEB_WORKERS``, ``ASSURE_WEB_THREADS``: processes and threads (defaults 3 and 1);
- ``ASSURE_WEB_TIMEOUT``: seconds a request may take (default 120: an upload's import is read within it);
- ``ASSURE_WEB_CONTROL_SOCKET``: this service's own control socket (default ``/run/assure-web/gunicorn.ctl``),
  so two gunicorn services on one machine never share the default one in root's home;
- ``ASSURE_WEB_ACCESS_LOG``: the access log (default ``/var/log/assure/web-access.log``; ``-`` for the journal).

The access log records the path without its query string, and no referrer or user agent: a search term or a filter
can name a child or an adult a record is about.
"""

import os

from assure.environment import SOURCE_CHECKOUT, load_environment

# gunicorn reads this before Assure's settings do: the environment file must be read here too.
load_environment(source_checkout=SOURCE_CHECKOUT)

bind = [os.environ.get("ASSURE_WEB_BIND", "unix:/run/assure-web/gunicorn.sock")]
workers = int(os.environ.get("ASSURE_WEB_WORKERS", "3"))
threads = int(os.environ.get("ASSURE_WEB_THREADS", "1"))
timeout = int(os.environ.get("ASSURE_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker restarts after this many requests (with jitter), so a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
control_socket = os.environ.get("ASSURE_WEB_CONTROL_SOCKET", "/run/assure-web/gunicorn.ctl")
accesslog = os.environ.get("ASSURE_WEB_ACCESS_LOG", "/var/log/assure/web-access.log")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
proc_name = "assure-web"
