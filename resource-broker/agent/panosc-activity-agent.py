#!/usr/bin/env python3
"""panosc-activity-agent: tells the PaNOSC resource broker that an analysis session is in use.

Runs inside or beside a session (the Kubernetes driver starts it as a sidecar container of the session's own image)
and every INTERVAL seconds reads what the session is doing:

  * Jupyter Server's REST API: GET <jupyter>/api/status (last_activity) and GET <jupyter>/api/kernels (each kernel's
    execution_state and last_activity), with the Jupyter token; both with ?no_track_activity=1 so that the agent's
    own requests are not counted as use;
  * the X display's last input: `xprintidle` (milliseconds since the last input), when installed;
  * GPU utilisation: `nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits`, when installed;

then POSTs {"kernel": {"lastActivity", "busy"}, "desktop": {"lastInput"}, "gpu": {"utilisation"}} to
<broker>/v1/sessions/<session>/activity with the session's access secret as bearer token. A source that is absent
or fails is left out of the report; the agent never stops because of one. Refusals and broker errors are logged and
retried after a back-off (twice the interval after the first failure, doubling, at most 10 minutes or the interval).
SIGTERM or SIGINT end it with exit status 0.

Configuration (environment; the options below override it). The access secret is read from a file or the
environment only, never from the command line, and is never logged:

  PANOSC_BROKER_URL          the broker's base URL, e.g. https://panosc.example/broker       (required)
  PANOSC_SESSION             the session's id                                               (required)
  PANOSC_SECRET_FILE         file holding the session's access secret (the mounted Secret)
  PANOSC_ACCESS_SECRET       the access secret itself, when no file is given
  PANOSC_JUPYTER_URL         Jupyter Server's base URL, e.g. http://127.0.0.1:8888/broker/s/<session>/;
                             absent: no Jupyter source. When the API is not found there, <scheme://host:port>/
                             is tried.
  PANOSC_JUPYTER_TOKEN_FILE  file holding Jupyter's token; else JUPYTER_TOKEN; else the access secret (the broker's
                             proxy presents the access secret to the session, so a Jupyter behind it uses it as
                             its token)
  PANOSC_ACTIVITY_INTERVAL   seconds between reports (default 60, at least 1)
  DISPLAY                    the X display for xprintidle; absent: the first socket in /tmp/.X11-unix

Exit status: 0 after SIGTERM/SIGINT, or with --once when the broker accepted the report; 1 with --once when it did
not; 2 for a configuration error. Python 3.6 or later, standard library only.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

AGENT = "panosc-activity-agent"
VERSION = "1"
HTTP_TIMEOUT = 10.0
COMMAND_TIMEOUT = 5.0
MAX_BACKOFF = 600.0
X11_DIR = "/tmp/.X11-unix"
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$")


class ConfigError(Exception):
    """The agent cannot run as configured."""


class SourceError(Exception):
    """A source could not be read this time; it is left out of the report."""


def log(message):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sys.stderr.write("%s %s: %s\n" % (now, AGENT, message))
    sys.stderr.flush()


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def rfc3339(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text):
    """An ISO 8601 / RFC 3339 timestamp as Jupyter writes it (any fraction, Z or offset, none: UTC); else None."""
    if not isinstance(text, str):
        return None
    m = _TIMESTAMP.match(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    fraction = m.group(7) or "0"
    micros = int((fraction + "000000")[:6])
    zone = m.group(8)
    if zone is None or zone in ("Z", "z"):
        tz = datetime.timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return datetime.datetime(year, month, day, hour, minute, second, micros, tz)
    except ValueError:
        return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as an error: the bearer secret must never follow it to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener(use_proxies):
    handlers = [_NoRedirects()]
    if not use_proxies:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _read_text_file(path, what):
    try:
        with open(path, "r", encoding="utf-8") as f:
            value = f.read().strip()
    except OSError as e:
        raise ConfigError("cannot read the %s file %s: %s" % (what, path, e.strerror or e.__class__.__name__))
    if not value:
        raise ConfigError("the %s file %s is empty" % (what, path))
    return value


class Config(object):
    """What the agent needs, from the environment and the command line."""

    def __init__(self, args, env):
        self.broker_url = (args.broker_url or env.get("PANOSC_BROKER_URL", "")).strip()
        self.session = (args.session or env.get("PANOSC_SESSION", "")).strip()
        self.secret_file = (args.secret_file or env.get("PANOSC_SECRET_FILE", "")).strip()
        self.secret_env = env.get("PANOSC_ACCESS_SECRET", "").strip()
        self.jupyter_url = (args.jupyter_url or env.get("PANOSC_JUPYTER_URL", "")).strip()
        self.jupyter_token_file = (args.jupyter_token_file or env.get("PANOSC_JUPYTER_TOKEN_FILE", "")).strip()
        self.jupyter_token_env = env.get("JUPYTER_TOKEN", "").strip()
        interval = args.interval if args.interval is not None else env.get("PANOSC_ACTIVITY_INTERVAL", "60")
        try:
            self.interval = float(interval)
        except ValueError:
            raise ConfigError("the interval must be a number of seconds, got %r" % (interval,))
        if not 1 <= self.interval <= 86400:
            raise ConfigError("the interval must be 1 to 86400 seconds, got %r" % (interval,))
        self.display = env.get("DISPLAY", "").strip()
        self.path = env.get("PATH", os.defpath)
        if not self.broker_url:
            raise ConfigError("the broker's URL is required (PANOSC_BROKER_URL or --broker-url)")
        parsed = urllib.parse.urlsplit(self.broker_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError("the broker's URL must be an absolute http or https URL")
        if parsed.username is not None or parsed.password is not None or parsed.query or parsed.fragment:
            raise ConfigError("the broker's URL must not carry credentials, a query or a fragment")
        if not self.session or not re.match(r"^[A-Za-z0-9._~-]{1,64}$", self.session):
            raise ConfigError("the session id is required (PANOSC_SESSION or --session): 1 to 64 URL-safe characters")
        if not self.secret_file and not self.secret_env:
            raise ConfigError("the access secret is required: PANOSC_SECRET_FILE (a file) or PANOSC_ACCESS_SECRET")
        if self.jupyter_url:
            j = urllib.parse.urlsplit(self.jupyter_url)
            if j.scheme not in ("http", "https") or not j.hostname or j.username is not None or j.query \
                    or j.fragment:
                raise ConfigError("the Jupyter URL must be an http or https URL without credentials, query or "
                                  "fragment")
            if not self.jupyter_url.endswith("/"):
                self.jupyter_url += "/"
        self.endpoint = "%s/v1/sessions/%s/activity" % (self.broker_url.rstrip("/"), self.session)

    def secret(self):
        """The access secret, read anew each time (so a rotated Secret is picked up)."""
        if self.secret_file:
            return _read_text_file(self.secret_file, "access secret")
        return self.secret_env

    def jupyter_token(self, secret):
        if self.jupyter_token_file:
            return _read_text_file(self.jupyter_token_file, "Jupyter token")
        return self.jupyter_token_env or secret


class Jupyter(object):
    """Jupyter Server's REST API: the latest activity and whether a kernel is busy."""

    def __init__(self, base_url):
        self.base = base_url
        parts = urllib.parse.urlsplit(base_url)
        self.root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        self.opener = _opener(use_proxies=False)
        # (start, end) of the previous /api/kernels request: a server too old for no_track_activity counts it as
        # API activity, which /api/status then shows as its last_activity; such a value is not the user's
        self.own_request = None

    def _get(self, base, path, token):
        request = urllib.request.Request(base + path + "?no_track_activity=1", headers={
            "Authorization": "token " + token, "Accept": "application/json",
            "User-Agent": "%s/%s" % (AGENT, VERSION)})
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as response:
                body = response.read(1024 * 1024)
        except urllib.error.HTTPError as e:
            e.close()
            raise SourceError("GET %s answered HTTP %d" % (path, e.code)) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise SourceError("GET %s failed: %s" % (path, reason)) from None
        try:
            return json.loads(body.decode("utf-8"))
        except ValueError:
            raise SourceError("GET %s did not answer JSON" % (path,)) from None

    def sample(self, token):
        try:
            status = self._get(self.base, "api/status", token)
        except SourceError as first:
            if self.base == self.root or "HTTP 404" not in str(first):
                raise
            # the API is not under the configured base path: a Jupyter serving at its root
            status = self._get(self.root, "api/status", token)
            log("Jupyter's API answered at %s, not under %s; using that" % (self.root, self.base))
            self.base = self.root
        started = utc_now()
        kernels = self._get(self.base, "api/kernels", token)
        ended = utc_now()
        if not isinstance(status, dict) or not isinstance(kernels, list):
            raise SourceError("api/status or api/kernels answered an unexpected shape")
        moments = []
        status_last = parse_timestamp(status.get("last_activity"))
        previous = self.own_request
        if status_last is not None and not (previous is not None and previous[0] - datetime.timedelta(seconds=1)
                                            <= status_last <= previous[1] + datetime.timedelta(seconds=1)):
            moments.append(status_last)
        self.own_request = (started, ended)
        busy = False
        for k in kernels:
            if not isinstance(k, dict):
                continue
            if k.get("execution_state") == "busy":
                busy = True
            t = parse_timestamp(k.get("last_activity"))
            if t is not None:
                moments.append(t)
        kernel = {"busy": busy}
        if moments:
            kernel["lastActivity"] = rfc3339(max(moments))
        return kernel


def _run(command, args, path, env_extra=None):
    executable = shutil.which(command, path=path)
    if executable is None:
        raise SourceError("%s is not installed" % (command,))
    env = dict(os.environ)
    env["PATH"] = path
    if env_extra:
        env.update(env_extra)
    try:
        done = subprocess.run([executable] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=COMMAND_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise SourceError("%s did not answer within %d s" % (command, COMMAND_TIMEOUT)) from None
    except OSError as e:
        raise SourceError("%s could not be run: %s" % (command, e.strerror or e.__class__.__name__)) from None
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise SourceError("%s exited with status %d%s" % (command, done.returncode,
                                                          (": " + first[0][:200]) if first else ""))
    return done.stdout.decode("utf-8", "replace")


def find_display(configured):
    if configured:
        return configured
    try:
        names = sorted(os.listdir(X11_DIR))
    except OSError:
        return None
    for name in names:
        if re.match(r"^X\d+$", name):
            return ":" + name[1:]
    return None


def sample_desktop(config):
    """The last input on the X display, from xprintidle (milliseconds since then)."""
    display = find_display(config.display)
    if display is None:
        raise SourceError("no X display (DISPLAY unset and no socket in %s)" % (X11_DIR,))
    if shutil.which("xprintidle", path=config.path) is None:
        raise SourceError("xprintidle is not installed")
    out = _run("xprintidle", [], config.path, {"DISPLAY": display}).strip()
    if not re.match(r"^\d{1,15}$", out):
        raise SourceError("xprintidle printed %r, not milliseconds" % (out[:40],))
    return {"lastInput": rfc3339(utc_now() - datetime.timedelta(milliseconds=int(out)))}


def sample_gpu(config):
    """The highest utilisation among the GPUs nvidia-smi lists, in percent."""
    out = _run("nvidia-smi", ["--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"], config.path)
    values = []
    for line in out.splitlines():
        line = line.strip()
        if re.match(r"^\d{1,3}$", line) and int(line) <= 100:
            values.append(int(line))
    if not values:
        raise SourceError("nvidia-smi listed no GPU utilisation")
    return {"utilisation": max(values)}


class Agent(object):
    """Samples the sources and reports to the broker."""

    def __init__(self, config):
        self.config = config
        self.jupyter = Jupyter(config.jupyter_url) if config.jupyter_url else None
        self.broker = _opener(use_proxies=True)
        self.sources = {}
        self.failures = 0
        self.retry_after = None

    def _note(self, source, state, always):
        """Logs a source's state when it changed (or always, with --once)."""
        if always or self.sources.get(source) != state:
            self.sources[source] = state
            log("source %s: %s" % (source, state))

    def sample(self, secret, always=False):
        report = {}
        if self.jupyter is not None:
            try:
                report["kernel"] = self.jupyter.sample(self.config.jupyter_token(secret))
                self._note("jupyter", "read", always)
            except (SourceError, ConfigError) as e:
                self._note("jupyter", "left out (%s)" % (e,), always)
        for name, key, read in (("desktop", "desktop", sample_desktop), ("gpu", "gpu", sample_gpu)):
            try:
                report[key] = read(self.config)
                self._note(name, "read", always)
            except SourceError as e:
                self._note(name, "left out (%s)" % (e,), always)
        return report

    def report(self, once=False):
        """One report; True when the broker accepted it. Sets self.retry_after when the broker asked for a pause."""
        self.retry_after = None
        try:
            secret = self.config.secret()
        except ConfigError as e:
            log("not reported: %s" % (e,))
            return False
        body = self.sample(secret, always=once)
        request = urllib.request.Request(self.config.endpoint, data=json.dumps(body).encode("utf-8"), method="POST",
                                         headers={"Authorization": "Bearer " + secret,
                                                  "Content-Type": "application/json",
                                                  "Accept": "application/problem+json, application/json",
                                                  "User-Agent": "%s/%s" % (AGENT, VERSION)})
        try:
            with self.broker.open(request, timeout=HTTP_TIMEOUT) as response:
                code = response.getcode()
        except urllib.error.HTTPError as e:
            detail = _problem_detail(e)
            e.close()
            if e.code == 401:
                log("refused by the broker (HTTP 401): the access secret was not accepted for session %s%s"
                    % (self.config.session, detail))
            elif e.code == 409:
                log("refused by the broker (HTTP 409): session %s is not running%s" % (self.config.session, detail))
            else:
                log("refused by the broker (HTTP %d) at %s%s" % (e.code, self.config.endpoint, detail))
            if e.code in (429, 503):
                self.retry_after = _seconds(e.headers.get("Retry-After") if e.headers else None)
            return False
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
            log("the broker at %s could not be reached: %s" % (self.config.endpoint, getattr(e, "reason", e)))
            return False
        if code not in (200, 202, 204):
            log("unexpected answer from the broker (HTTP %d) at %s" % (code, self.config.endpoint))
            return False
        log("reported %s to %s" % (_summary(body), self.config.endpoint))
        return True

    def next_delay(self, ok):
        if ok:
            self.failures = 0
            return self.config.interval
        self.failures += 1
        delay = min(self.config.interval * (2 ** min(self.failures, 20)), max(MAX_BACKOFF, self.config.interval))
        if self.retry_after is not None:
            delay = max(delay, min(self.retry_after, 3600.0))
        return delay


def _seconds(value):
    try:
        return float(int(str(value).strip()))
    except (TypeError, ValueError):
        return None


def _problem_detail(error):
    """The refusal's problem+json detail (the broker's own words; it holds no secret), shortened."""
    try:
        problem = json.loads(error.read(4096).decode("utf-8"))
        detail = problem.get("detail") if isinstance(problem, dict) else None
    except (ValueError, OSError, AttributeError):
        detail = None
    return (": " + " ".join(str(detail).split())[:200]) if detail else ""


def _summary(body):
    parts = []
    kernel = body.get("kernel")
    if kernel is not None:
        parts.append("kernel %s%s" % ("busy" if kernel.get("busy") else "idle",
                                      (", last activity " + kernel["lastActivity"]) if "lastActivity" in kernel else ""))
    if "desktop" in body:
        parts.append("desktop last input " + body["desktop"]["lastInput"])
    if "gpu" in body:
        parts.append("gpu %d %%" % body["gpu"]["utilisation"])
    return "{" + "; ".join(parts) + "}" if parts else "{} (no source could be read)"


def main(argv=None):
    parser = argparse.ArgumentParser(prog=AGENT, description="Reports a PaNOSC analysis session's activity to the "
                                     "resource broker (see the module docstring for the environment).")
    parser.add_argument("--broker-url", help="the broker's base URL (PANOSC_BROKER_URL)")
    parser.add_argument("--session", help="the session id (PANOSC_SESSION)")
    parser.add_argument("--secret-file", help="file holding the access secret (PANOSC_SECRET_FILE)")
    parser.add_argument("--jupyter-url", help="Jupyter Server's base URL (PANOSC_JUPYTER_URL)")
    parser.add_argument("--jupyter-token-file", help="file holding Jupyter's token (PANOSC_JUPYTER_TOKEN_FILE)")
    parser.add_argument("--interval", help="seconds between reports (PANOSC_ACTIVITY_INTERVAL, default 60)")
    parser.add_argument("--once", action="store_true", help="report once and exit: 0 if accepted, else 1")
    args = parser.parse_args(argv)
    try:
        config = Config(args, os.environ)
    except ConfigError as e:
        log("configuration error: %s" % (e,))
        return 2
    agent = Agent(config)
    if args.once:
        return 0 if agent.report(once=True) else 1

    stop = threading.Event()
    stopped_by = []

    def on_signal(signum, frame):
        stopped_by.append(signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log("reporting session %s to %s every %g s (sources: %s)" % (
        config.session, config.endpoint, config.interval,
        ", ".join((["jupyter " + config.jupyter_url] if config.jupyter_url else []) + ["desktop", "gpu"])))
    delay = 0.0
    while True:
        deadline = time.monotonic() + delay
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            stop.wait(min(remaining, 1.0))
        if stop.is_set():
            break
        try:
            ok = agent.report()
        except Exception as e:  # a bug must not end the agent: logged (without the request), retried later
            log("report failed unexpectedly: %s" % (e.__class__.__name__,))
            ok = False
        delay = agent.next_delay(ok)
        if not ok:
            log("next attempt in %g s" % (delay,))
    names = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "SIGINT"}
    log("stopped (%s)" % (names.get(stopped_by[0], "signal") if stopped_by else "signal",))
    return 0


if __name__ == "__main__":
    sys.exit(main())
