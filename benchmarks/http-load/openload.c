/*
 * openload: a native open-loop HTTP/1.1 load driver (issue 13's proxy benchmark), so that the latency added by a
 * proxy is measured at a fixed request rate, the same for both targets, from each request's scheduled send time (no
 * coordinated omission), without a JVM driver taking the cores the server needs. One thread, epoll, non-blocking
 * sockets, libc only.
 *
 *   openload HOST PORT PATH AUTHORIZATION CONNECTIONS RATE WARMUP DURATION [BACKLOG]
 *
 * HOST: a name or address (of those getaddrinfo gives, the first that accepts a connection); the Host header is
 * HOST:PORT (HOST alone when PORT is 80). PATH: the request target (starting with '/'). AUTHORIZATION: the
 * Authorization header's value ("" for none; "-" reads it from the environment variable OPENLOAD_AUTHORIZATION,
 * which keeps a token off the command line that `ps` shows). CONNECTIONS: keep-alive connections, opened before the
 * schedule starts. RATE: requests per second (a decimal number). WARMUP, DURATION: whole seconds. BACKLOG: the most
 * requests allowed to wait for a free connection (default RATE x 1 s, at least 1). OPENLOAD_SNDBUF (environment,
 * bytes): the connections' SO_SNDBUF, for selftest.sh (a small one makes a long request's writes partial).
 *
 * Schedule: request i is due at start + i / RATE, for WARMUP + DURATION seconds (a fixed schedule from the start,
 * not "send, then sleep"). A due request goes on an idle connection (the one idle longest); when none is idle it
 * waits in a FIFO backlog, and its latency still counts from its due time. One request at a time per connection
 * (keep-alive, no pipelining): `GET PATH HTTP/1.1` with Host, Authorization, User-Agent and Accept headers.
 * Latency = the answer's last byte read - the due time, recorded for the requests due in the last DURATION seconds
 * (all stored, sorted: exact percentiles, nearest rank). After the last due time the driver waits up to 10 s for the
 * answers still outstanding (each one left is an error, "timeouts").
 *
 * Answers: status line and headers parsed (at most 64 KiB); the body by Content-Length, by Transfer-Encoding chunked
 * (chunk extensions and trailers skipped) or, without either, up to the connection's close; none for 1xx (interim
 * answers are skipped), 204 and 304. An answer with `Connection: close` (or HTTP/1.0 without keep-alive), or a socket
 * the server closes while idle, is followed by a new connection ("reconnects"). A request on a reused connection that
 * the server closed before sending a byte of the answer is sent again on the connection that has been idle the
 * shortest, with its first due time ("retries": the keep-alive race HTTP clients retry; a fourth such close of the
 * same request is an error). Errors, each counted: a non-2xx status ("non2xx"), a socket error or a close in the
 * middle of an answer ("socket"), an answer that does not parse or bytes nobody asked for ("malformed"), an
 * unanswered request at the end ("timeouts").
 *
 * Rate not sustained: when more than BACKLOG requests wait for a connection, the server (or the driver) does not keep
 * up with RATE, and the driver stops there; likewise, at the end, when more than a tenth of BACKLOG still wait at the
 * last due time (a slight overload that a short run does not take to BACKLOG; also a stall of over 0.1 s just at the
 * end, which a rerun tells apart). Either way it reports "sustained":false, why ("notSustained") and no latencies
 * (exit 3).
 *
 * Output: one line `OPEN_RESULT {json}` on stdout: the target rate, requests scheduled/sent/answered in the measured
 * window, the achieved rate (answered / (last answer - window start + 1 / RATE)), latency min, p50, p90, p99, p99.9
 * and max in us, the delay from the due time to the request's first byte written (the backlog's and the driver's
 * own share), the backlog's maximum and its size at the last due time, reconnects, retries, writes the socket took
 * only in part ("writeWaits"), the errors by kind with one sample, the bodies by framing, and the driver's own CPU
 * seconds (getrusage) in the measured window and in all.
 * Exit 0: sustained, no errors; 1: errors; 3: rate not sustained; 2: bad arguments or a failure before the run
 * (message on stderr).
 *
 * Build: cc -O2 -Wall -o openload openload.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEAD 65536
#define MAX_LINE 4096
#define DRAIN_NS 10000000000LL
#define READ_CHUNK 65536
#define MAX_RETRIES 3

enum { C_DEAD, C_CONNECTING, C_IDLE, C_BUSY };
enum { P_HEAD, P_BODY_LEN, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_CRLF, P_TRAILER, P_BODY_CLOSE };

typedef struct {
  int fd, state;
  int in_idle;       /* in the idle ring (possibly stale: checked on the way out) */
  int want_out;      /* EPOLLOUT registered */
  long served;       /* answers completed on this socket */
  long slot;         /* the request in flight, -1 when none */
  size_t out_off;    /* bytes of the request written */
  size_t resp_bytes; /* bytes of the current answer read */
  char *in;
  size_t in_len, in_cap;
  int pstate, status, close_after;
  long long remaining; /* body or chunk bytes still to come */
} conn_t;

static struct addrinfo *target; /* the address connections go to */
static char *request;
static size_t request_len;
static conn_t *conns;
static int n_conns, epfd;
static double rate, period_ns;
static int sndbuf; /* OPENLOAD_SNDBUF: SO_SNDBUF of each connection (0: the kernel's) */
static long long t0; /* the schedule's start (ns, CLOCK_MONOTONIC) */
static long total, warm_slots, measured;

static int *idle_ring; /* FIFO of connection indices */
static int idle_head, idle_len;
static long *backlog; /* deque of slots waiting for a connection */
static long bl_head, bl_len, bl_cap, bl_bound, bl_max;
static unsigned char *retried; /* per slot: times sent again */

static long long *lat, *disp; /* per measured slot, ns; -1 until known */
static long sent_measured, answered_measured, answered_all, sent_all;
static long long last_done;
static long reconnects, retries, non2xx, sock_errors, malformed, timeouts, write_waits;
static long bodies_len, bodies_chunked, bodies_close, bodies_none;
static long long body_bytes;
static int sample_status;
static char error_sample[200];

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static double cpu_seconds(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("openload: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) fail("out of memory");
  return p;
}

static void note(const char *fmt, ...) { /* the first error's description */
  if (error_sample[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(error_sample, sizeof error_sample, fmt, ap);
  va_end(ap);
}

static long long due(long slot) { return t0 + (long long)((double)slot * period_ns); }

/* ---- queues ---- */

static void idle_push(conn_t *c) {
  if (c->in_idle) return;
  c->in_idle = 1;
  idle_ring[(idle_head + idle_len++) % n_conns] = (int)(c - conns);
}

/* The connection idle longest (newest: the one idle shortest, for a retried request: the longest-idle one is the
 * likeliest to meet a server's keep-alive timeout again). */
static conn_t *idle_pop(int newest) {
  while (idle_len > 0) {
    int at = newest ? (idle_head + idle_len - 1) % n_conns : idle_head;
    conn_t *c = &conns[idle_ring[at]];
    if (!newest) idle_head = (idle_head + 1) % n_conns;
    idle_len--;
    c->in_idle = 0;
    if (c->state == C_IDLE) return c;
  }
  return NULL;
}

static void backlog_push(long slot, int front) {
  if (bl_len == bl_cap) fail("backlog overflow (internal)");
  if (front) {
    bl_head = (bl_head + bl_cap - 1) % bl_cap;
    backlog[bl_head] = slot;
  } else {
    backlog[(bl_head + bl_len) % bl_cap] = slot;
  }
  bl_len++;
}

static long backlog_pop(void) {
  long s = backlog[bl_head];
  bl_head = (bl_head + 1) % bl_cap;
  bl_len--;
  return s;
}

/* ---- connections ---- */

static void set_events(conn_t *c, int want_out, int op) {
  struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c};
  if (epoll_ctl(epfd, op, c->fd, &ev) < 0) fail("epoll_ctl: %s", strerror(errno));
  c->want_out = want_out;
}

static void reset_parser(conn_t *c) {
  c->pstate = P_HEAD;
  c->status = 0;
  c->close_after = 0;
  c->remaining = 0;
  c->resp_bytes = 0;
  c->in_len = 0;
}

/* Opens the connection's socket; blocking: wait for the connect (before the run), else non-blocking. */
static int open_conn(conn_t *c, int blocking) {
  c->fd = socket(target->ai_family, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
  if (c->fd < 0) fail("socket: %s", strerror(errno));
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (sndbuf > 0) setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  c->served = 0;
  c->slot = -1;
  reset_parser(c);
  int r;
  do r = connect(c->fd, target->ai_addr, target->ai_addrlen); while (r < 0 && errno == EINTR && blocking);
  if (r < 0 && errno != EINPROGRESS && !(errno == EINTR && !blocking)) return -errno;
  if (blocking && fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) < 0) fail("fcntl: %s", strerror(errno));
  if (r == 0) {
    c->state = C_IDLE;
    set_events(c, 0, EPOLL_CTL_ADD);
    idle_push(c);
  } else {
    c->state = C_CONNECTING;
    set_events(c, 1, EPOLL_CTL_ADD);
  }
  return 0;
}

static void close_fd(conn_t *c) {
  if (c->fd >= 0) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
  }
}

static void reconnect(conn_t *c) {
  close_fd(c);
  reconnects++;
  int e = open_conn(c, 0);
  if (e < 0) {
    close_fd(c);
    c->state = C_DEAD;
    sock_errors++;
    note("reconnect: %s", strerror(-e));
  }
}

/* The request in flight on c went on a reused connection the server closed before a byte of the answer: it goes
 * first in the backlog again, with its due time, unless it has been retried MAX_RETRIES times. Returns 0 then. */
static void drop_request(conn_t *c);
static int retry(conn_t *c) {
  if (c->served == 0 || c->resp_bytes > 0 || retried[c->slot] >= MAX_RETRIES) return 0;
  retried[c->slot]++;
  retries++;
  backlog_push(c->slot, 1);
  drop_request(c);
  return 1;
}

/* The request in flight on c is lost (counted by the caller); the connection is replaced. */
static void drop_request(conn_t *c) {
  c->slot = -1;
  reconnect(c);
}

static void conn_error(conn_t *c, const char *what, int err) {
  sock_errors++;
  if (err) note("%s: %s", what, strerror(err)); else note("%s", what);
  drop_request(c);
}

static void write_request(conn_t *c) {
  while (c->out_off < request_len) {
    ssize_t w = send(c->fd, request + c->out_off, request_len - c->out_off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) { /* a partial write: the rest when the socket can take it */
        write_waits++;
        if (!c->want_out) set_events(c, 1, EPOLL_CTL_MOD);
        return;
      }
      /* a reused connection the server closed: the request is sent again (once), as on a close before the answer */
      if ((errno == EPIPE || errno == ECONNRESET) && retry(c)) return;
      conn_error(c, "write", errno);
      return;
    }
    c->out_off += (size_t)w;
  }
  if (c->want_out) set_events(c, 0, EPOLL_CTL_MOD);
}

static void dispatch(conn_t *c, long slot, long long t) {
  c->state = C_BUSY;
  c->slot = slot;
  c->out_off = 0;
  reset_parser(c);
  if (!retried[slot]) {
    sent_all++;
    if (slot >= warm_slots) {
      sent_measured++;
      disp[slot - warm_slots] = t - due(slot);
    }
  }
  write_request(c);
}

/* Due requests onto idle connections, in order. */
static void pump(void) {
  while (bl_len > 0) {
    conn_t *c = idle_pop(retried[backlog[bl_head]] > 0);
    if (!c) return;
    dispatch(c, backlog_pop(), now_ns());
  }
}

/* ---- answers ---- */

/* Records the answer to c's request. Returns 1 when the connection was replaced by a new one. */
static int answer_done(conn_t *c, long long t) {
  long slot = c->slot;
  answered_all++;
  if (slot >= warm_slots) {
    lat[slot - warm_slots] = t - due(slot);
    answered_measured++;
    last_done = t;
  }
  if (c->status < 200 || c->status > 299) {
    non2xx++;
    if (!sample_status) sample_status = c->status;
    note("HTTP status %d", c->status);
  }
  c->served++;
  c->slot = -1;
  if (c->close_after || c->out_off < request_len) { /* an answer before the whole request was written: no reuse */
    reconnect(c);
    return 1;
  }
  c->state = C_IDLE;
  idle_push(c);
  return 0;
}

static int has_token(const char *v, size_t n, const char *tok) { /* a comma-separated list holds tok */
  size_t tl = strlen(tok), i = 0;
  while (i < n) {
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
    size_t s = i;
    while (i < n && v[i] != ',') i++;
    size_t e = i;
    while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t')) e--;
    if (e - s == tl && strncasecmp(v + s, tok, tl) == 0) return 1;
  }
  return 0;
}

static int last_token_is(const char *v, size_t n, const char *tok) {
  size_t e = n;
  while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t')) e--;
  size_t s = e;
  while (s > 0 && v[s - 1] != ',') s--;
  while (s < e && (v[s] == ' ' || v[s] == '\t')) s++;
  return e - s == strlen(tok) && strncasecmp(v + s, tok, e - s) == 0;
}

/* Parses the head in h[0..n) (without the final CRLF CRLF). Returns -1 when malformed; else sets the status, the
 * body's framing (pstate, remaining) and close_after. */
static int parse_head(conn_t *c, const char *h, size_t n) {
  if (n < 12 || memcmp(h, "HTTP/1.", 7) != 0 || (h[7] != '0' && h[7] != '1') || h[8] != ' ') return -1;
  int http10 = h[7] == '0';
  for (int i = 9; i < 12; i++) if (h[i] < '0' || h[i] > '9') return -1;
  if (n > 12 && h[12] != ' ' && h[12] != '\r') return -1;
  c->status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
  if (c->status < 100) return -1;
  int chunked = 0, other_te = 0, keep_alive = 0, closing = 0;
  long long cl = -1;
  const char *p = memchr(h, '\n', n), *end = h + n;
  if (!p) p = end; else p++;
  if (p < end && p[-2] != '\r') return -1;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *le = eol ? eol : end;
    if (eol && (eol == p || eol[-1] != '\r')) return -1;
    size_t ll = (size_t)(le - p) - (eol ? 1 : 0);
    if (ll == 0) return -1;
    if (p[0] == ' ' || p[0] == '\t') return -1; /* obsolete line folding */
    const char *colon = memchr(p, ':', ll);
    if (!colon || colon == p) return -1;
    size_t nl = (size_t)(colon - p);
    for (size_t i = 0; i < nl; i++) if (p[i] <= ' ' || p[i] >= 127) return -1;
    const char *v = colon + 1, *ve = p + ll;
    while (v < ve && (*v == ' ' || *v == '\t')) v++;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
    size_t vl = (size_t)(ve - v);
    if (nl == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
      long long x = 0;
      if (vl == 0 || vl > 18) return -1;
      for (size_t i = 0; i < vl; i++) {
        if (v[i] < '0' || v[i] > '9') return -1;
        x = x * 10 + (v[i] - '0');
      }
      if (cl >= 0 && cl != x) return -1;
      cl = x;
    } else if (nl == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
      if (last_token_is(v, vl, "chunked")) chunked = 1, other_te = 0; else other_te = 1;
    } else if (nl == 10 && strncasecmp(p, "Connection", 10) == 0) {
      if (has_token(v, vl, "close")) closing = 1;
      if (has_token(v, vl, "keep-alive")) keep_alive = 1;
    }
    p = eol ? eol + 1 : end;
  }
  c->close_after = closing || (http10 && !keep_alive);
  if (c->status < 200 || c->status == 204 || c->status == 304) {
    c->pstate = -1; /* no body */
  } else if (chunked || other_te) {
    if (other_te) { c->pstate = P_BODY_CLOSE; c->close_after = 1; }
    else c->pstate = P_CHUNK_SIZE;
  } else if (cl >= 0) {
    c->pstate = P_BODY_LEN;
    c->remaining = cl;
  } else {
    c->pstate = P_BODY_CLOSE;
    c->close_after = 1;
  }
  return 0;
}

static const char *find_crlf(const char *p, size_t n) {
  for (const char *q = p; q + 1 < p + n; q++) {
    q = memchr(q, '\r', (size_t)(p + n - q));
    if (!q || q + 1 >= p + n) return NULL;
    if (q[1] == '\n') return q;
  }
  return NULL;
}

static void bad_answer(conn_t *c, const char *what) {
  malformed++;
  note("malformed answer: %s", what);
  drop_request(c);
}

/* Parses what c->in holds. Returns 1 when the connection was replaced (the caller stops reading it). */
static int parse(conn_t *c, long long t) {
  size_t pos = 0;
  for (;;) {
    char *b = c->in + pos;
    size_t avail = c->in_len - pos;
    int complete = 0;
    if (c->state != C_BUSY) {
      if (avail > 0) { bad_answer(c, "bytes without a request"); return 1; }
      break;
    }
    switch (c->pstate) {
    case P_HEAD: {
      const char *e = NULL;
      for (size_t i = 0; i + 3 < avail; i++) {
        if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') { e = b + i; break; }
      }
      if (!e) {
        if (avail > MAX_HEAD) { bad_answer(c, "head over 64 KiB"); return 1; }
        goto more;
      }
      if (parse_head(c, b, (size_t)(e - b)) < 0) { bad_answer(c, "status line or header"); return 1; }
      pos += (size_t)(e - b) + 4;
      if (c->status >= 100 && c->status < 200) {
        if (c->status == 101) { bad_answer(c, "101 Switching Protocols"); return 1; }
        c->pstate = P_HEAD; /* an interim answer: the real one follows */
        continue;
      }
      if (c->pstate == -1) { bodies_none++; complete = 1; }
      else if (c->pstate == P_BODY_LEN) { bodies_len++; complete = c->remaining == 0; }
      else if (c->pstate == P_CHUNK_SIZE) bodies_chunked++;
      else bodies_close++;
      break;
    }
    case P_BODY_LEN:
    case P_CHUNK_DATA: {
      size_t take = avail < (unsigned long long)c->remaining ? avail : (size_t)c->remaining;
      pos += take;
      body_bytes += (long long)take;
      c->remaining -= (long long)take;
      if (c->remaining > 0) goto more;
      if (c->pstate == P_BODY_LEN) complete = 1; else c->pstate = P_CHUNK_CRLF;
      break;
    }
    case P_CHUNK_SIZE: {
      const char *e = find_crlf(b, avail);
      if (!e) {
        if (avail > MAX_LINE) { bad_answer(c, "chunk size line too long"); return 1; }
        goto more;
      }
      long long size = 0;
      size_t i = 0, ll = (size_t)(e - b);
      for (; i < ll; i++) {
        int d = b[i] >= '0' && b[i] <= '9' ? b[i] - '0' : b[i] >= 'a' && b[i] <= 'f' ? b[i] - 'a' + 10
            : b[i] >= 'A' && b[i] <= 'F' ? b[i] - 'A' + 10 : -1;
        if (d < 0) break;
        if (size > (1LL << 55)) { bad_answer(c, "chunk size too large"); return 1; }
        size = size * 16 + d;
      }
      if (i == 0 || (i < ll && b[i] != ';' && b[i] != ' ' && b[i] != '\t')) { bad_answer(c, "chunk size"); return 1; }
      pos += ll + 2;
      if (size == 0) c->pstate = P_TRAILER;
      else { c->pstate = P_CHUNK_DATA; c->remaining = size; }
      break;
    }
    case P_CHUNK_CRLF:
      if (avail < 2) goto more;
      if (b[0] != '\r' || b[1] != '\n') { bad_answer(c, "no CRLF after a chunk"); return 1; }
      pos += 2;
      c->pstate = P_CHUNK_SIZE;
      break;
    case P_TRAILER: {
      const char *e = find_crlf(b, avail);
      if (!e) {
        if (avail > MAX_HEAD) { bad_answer(c, "trailer too long"); return 1; }
        goto more;
      }
      pos += (size_t)(e - b) + 2;
      if (e == b) complete = 1;
      break;
    }
    case P_BODY_CLOSE:
      pos += avail;
      body_bytes += (long long)avail;
      goto more;
    }
    if (complete && answer_done(c, t)) return 1; /* replaced; bytes after a closing answer are ignored */
  }
more:
  if (pos > 0) {
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
  }
  return 0;
}

/* The server closed the socket (read returned 0). */
static void on_eof(conn_t *c, long long t) {
  if (c->state == C_BUSY) {
    if (c->pstate == P_BODY_CLOSE) { /* the close ends this body */
      c->close_after = 1;
      answer_done(c, t);
      return;
    }
    if (retry(c)) return;
    conn_error(c, c->resp_bytes ? "connection closed in the middle of an answer"
        : "connection closed before the answer", 0);
    return;
  }
  reconnect(c); /* an idle keep-alive connection the server closed */
}

static void on_event(conn_t *c, uint32_t events) {
  if (c->state == C_CONNECTING) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t l = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0) err = errno;
    if (err) {
      close_fd(c);
      c->state = C_DEAD;
      sock_errors++;
      note("connect: %s", strerror(err));
      return;
    }
    c->state = C_IDLE;
    set_events(c, 0, EPOLL_CTL_MOD);
    idle_push(c);
    return;
  }
  if (c->state == C_DEAD) return;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    if (c->in_cap - c->in_len < READ_CHUNK) {
      c->in_cap = c->in_len + READ_CHUNK;
      c->in = xrealloc(c->in, c->in_cap);
    }
    ssize_t r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
    long long t = now_ns();
    if (r > 0) {
      c->in_len += (size_t)r;
      if (c->state == C_BUSY) c->resp_bytes += (size_t)r;
      if (parse(c, t)) return;
    } else if (r == 0) {
      on_eof(c, t);
      return;
    } else if (errno != EAGAIN && errno != EINTR) {
      int e = errno;
      if (c->state == C_BUSY) {
        if (e != ECONNRESET || !retry(c)) conn_error(c, "read", e);
      } else {
        reconnect(c); /* a reset on an idle connection: like a close */
      }
      return;
    }
  }
  if ((events & EPOLLOUT) && c->state == C_BUSY && c->out_off < request_len) write_request(c);
}

/* ---- results ---- */

static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static long ceil_long(double x) {
  long k = (long)x;
  return (double)k < x ? k + 1 : k;
}

static double pct(const long long *sorted, long n, double p) { /* nearest rank, us */
  if (n == 0) return 0;
  long k = ceil_long(p * (double)n);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return sorted[k - 1] / 1e3;
}

static long compact_sorted(long long *a, long n) { /* drops the -1s (not answered / not sent), sorts */
  long m = 0;
  for (long i = 0; i < n; i++) if (a[i] >= 0) a[m++] = a[i];
  qsort(a, (size_t)m, sizeof *a, cmp_ll);
  return m;
}

static long parse_long(const char *s, const char *name, long lo, long hi) {
  char *e;
  errno = 0;
  long v = strtol(s, &e, 10);
  if (errno || e == s || *e || v < lo || v > hi) fail("%s must be an integer in [%ld, %ld], not '%s'", name, lo, hi, s);
  return v;
}

int main(int argc, char **argv) {
  if (argc != 9 && argc != 10) {
    fprintf(stderr, "usage: openload HOST PORT PATH AUTHORIZATION CONNECTIONS RATE WARMUP DURATION [BACKLOG]\n");
    return 2;
  }
  const char *host = argv[1], *path = argv[3], *auth = argv[4];
  long port = parse_long(argv[2], "PORT", 1, 65535);
  n_conns = (int)parse_long(argv[5], "CONNECTIONS", 1, 100000);
  char *e;
  errno = 0;
  rate = strtod(argv[6], &e);
  if (errno || e == argv[6] || *e || !(rate > 0) || rate > 10000000)
    fail("RATE must be a number in (0, 1e7], not '%s'", argv[6]);
  long warmup = parse_long(argv[7], "WARMUP", 0, 86400), duration = parse_long(argv[8], "DURATION", 1, 86400);
  bl_bound = argc == 10 ? parse_long(argv[9], "BACKLOG", 1, 100000000) : ceil_long(rate);
  if (path[0] != '/') fail("PATH must start with '/'");
  if (strcmp(auth, "-") == 0) {
    auth = getenv("OPENLOAD_AUTHORIZATION");
    if (!auth) fail("AUTHORIZATION is '-' but OPENLOAD_AUTHORIZATION is not set");
  }
  if (strpbrk(host, "\r\n /") || strpbrk(path, "\r\n ") || strpbrk(auth, "\r\n"))
    fail("HOST and PATH must not hold spaces or line breaks, AUTHORIZATION no line breaks");

  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo *addresses;
  int g = getaddrinfo(host, argv[2], &hints, &addresses);
  if (g != 0) fail("cannot resolve %s: %s", host, gai_strerror(g));

  char hostport[300];
  if (port == 80) snprintf(hostport, sizeof hostport, "%s", host);
  else if (strchr(host, ':')) snprintf(hostport, sizeof hostport, "[%s]:%ld", host, port);
  else snprintf(hostport, sizeof hostport, "%s:%ld", host, port);
  size_t cap = strlen(path) + strlen(hostport) + strlen(auth) + 200;
  request = xrealloc(NULL, cap);
  int n = snprintf(request, cap, "GET %s HTTP/1.1\r\nHost: %s\r\n%s%s%sUser-Agent: openload\r\nAccept: */*\r\n\r\n",
      path, hostport, auth[0] ? "Authorization: " : "", auth, auth[0] ? "\r\n" : "");
  if (n < 0 || (size_t)n >= cap) fail("request too long");
  request_len = (size_t)n;

  if (getenv("OPENLOAD_SNDBUF")) sndbuf = (int)parse_long(getenv("OPENLOAD_SNDBUF"), "OPENLOAD_SNDBUF", 1, 1 << 30);
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake at the due time, not up to 50 us later */

  period_ns = 1e9 / rate;
  warm_slots = (long)((double)warmup * rate);
  total = (long)((double)(warmup + duration) * rate);
  measured = total - warm_slots;
  if (measured < 1) fail("RATE x DURATION is under one request");
  lat = xrealloc(NULL, (size_t)measured * sizeof *lat);
  disp = xrealloc(NULL, (size_t)measured * sizeof *disp);
  memset(lat, 0xff, (size_t)measured * sizeof *lat); /* -1 */
  memset(disp, 0xff, (size_t)measured * sizeof *disp);
  retried = calloc((size_t)total, 1);
  if (!retried) fail("out of memory");
  bl_cap = bl_bound + n_conns + 2;
  backlog = xrealloc(NULL, (size_t)bl_cap * sizeof *backlog);
  idle_ring = xrealloc(NULL, (size_t)n_conns * sizeof *idle_ring);
  conns = calloc((size_t)n_conns, sizeof *conns);
  if (!conns) fail("out of memory");
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) fail("epoll_create1: %s", strerror(errno));
  int r = -ECONNREFUSED;
  for (struct addrinfo *a = addresses; a && r < 0; a = a->ai_next) { /* the first address that accepts */
    target = a;
    r = open_conn(&conns[0], 1);
    if (r < 0) close(conns[0].fd);
  }
  for (int i = 1; i < n_conns && r == 0; i++) r = open_conn(&conns[i], 1);
  if (r < 0) fail("connect to %s: %s", hostport, strerror(-r));

  double cpu_start = cpu_seconds(), cpu_window = -1;
  long long window_start = 0;
  int sustained = 1;
  long stopped_slot = -1, bl_at_end = 0;
  char why[200] = "";
  struct epoll_event evs[256];
  long next = 0;
  t0 = now_ns();
  for (;;) {
    long long t = now_ns();
    while (next < total && due(next) <= t) {
      if (next == warm_slots) {
        cpu_window = cpu_seconds();
        window_start = due(next);
      }
      backlog_push(next++, 0);
      pump();
      if (next == total) bl_at_end = bl_len;
      if (bl_len > bl_bound) break;
    }
    if (bl_len > bl_bound) {
      sustained = 0;
      stopped_slot = next;
      snprintf(why, sizeof why, "more than %ld requests (BACKLOG) waited for a connection at %.3f s", bl_bound,
          (due(next - 1) - t0) / 1e9);
      break;
    }
    int busy = 0, alive = 0;
    for (int i = 0; i < n_conns; i++) {
      busy += conns[i].state == C_BUSY;
      alive += conns[i].state != C_DEAD;
    }
    if (alive == 0) {
      note("no connection left");
      break;
    }
    if (next >= total && busy == 0 && bl_len == 0) break;
    if (next >= total && t > due(total) + DRAIN_NS) break;
    long long wait = 50000000LL;
    if (next < total) {
      long long d = due(next) - t;
      wait = d < 0 ? 0 : d < wait ? d : wait;
    }
    struct timespec ts = {.tv_sec = wait / 1000000000LL, .tv_nsec = wait % 1000000000LL};
    int k = epoll_pwait2(epfd, evs, 256, &ts, NULL);
    if (k < 0) {
      if (errno == EINTR) continue;
      fail("epoll_pwait2: %s", strerror(errno));
    }
    for (int i = 0; i < k; i++) on_event(evs[i].data.ptr, evs[i].events);
    pump();
    if (bl_len > bl_max) bl_max = bl_len;
  }
  long long t_end = now_ns();
  double cpu_end = cpu_seconds();
  if (cpu_window < 0) cpu_window = cpu_end;
  if (bl_len > bl_max) bl_max = bl_len;

  /* the backlog at the last due time: a target that keeps up has (nearly) drained it */
  long end_bound = bl_bound / 10 > 0 ? bl_bound / 10 : 1;
  if (sustained && bl_at_end > end_bound) {
    sustained = 0;
    snprintf(why, sizeof why, "%ld requests waited for a connection at the last due time (more than %ld, a tenth of "
        "BACKLOG): the target was not keeping up", bl_at_end, end_bound);
  }

  /* requests never answered: in flight or waiting at the end */
  if (stopped_slot < 0) {
    long left = bl_len;
    for (int i = 0; i < n_conns; i++) left += conns[i].state == C_BUSY;
    if (left > 0) {
      timeouts += left;
      note("%ld requests not answered within %lld s of the last due time", left, DRAIN_NS / 1000000000LL);
    }
    /* slots never sent because every connection died */
    if (next < total) {
      timeouts += total - next;
      note("%ld requests not sent: no connection left", total - next);
    }
  }
  long errors = non2xx + sock_errors + malformed + timeouts;

  long nl = compact_sorted(lat, measured), nd = compact_sorted(disp, measured);
  /* answered / the time from the window's first due time to its last answer, plus one period (N requests are N
   * periods of the schedule): RATE for a target that keeps up with short latencies */
  double window_s = last_done > window_start ? (last_done - window_start + period_ns) / 1e9 : 0;
  for (char *p = error_sample; *p; p++) if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '\'';
  printf("OPEN_RESULT {\"driver\":\"openload (C, HTTP/1.1, one thread)\",\"connections\":%d,"
      "\"targetPerSecond\":%.1f,\"warmupSeconds\":%ld,\"durationSeconds\":%ld,\"sustained\":%s,\"backlogBound\":%ld,"
      "\"backlogMax\":%ld,\"backlogAtEnd\":%ld,",
      n_conns, rate, warmup, duration, sustained ? "true" : "false", bl_bound, bl_max, bl_at_end);
  if (!sustained) {
    printf("\"notSustained\":\"%s\",\"latencyUs\":null,", why);
    if (stopped_slot >= 0) printf("\"stoppedAtSecond\":%.3f,", (due(stopped_slot - 1) - t0) / 1e9);
    else printf("\"achievedPerSecond\":%.1f,", window_s > 0 ? answered_measured / window_s : 0);
  } else {
    printf("\"achievedPerSecond\":%.1f,\"latencyUs\":{\"min\":%.1f,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,"
        "\"p999\":%.1f,\"max\":%.1f},\"sendDelayUs\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},",
        window_s > 0 ? answered_measured / window_s : 0, nl ? lat[0] / 1e3 : 0, pct(lat, nl, 0.5), pct(lat, nl, 0.9),
        pct(lat, nl, 0.99), pct(lat, nl, 0.999), nl ? lat[nl - 1] / 1e3 : 0, pct(disp, nd, 0.5), pct(disp, nd, 0.99),
        nd ? disp[nd - 1] / 1e3 : 0);
  }
  printf("\"requests\":{\"scheduled\":%ld,\"sent\":%ld,\"answered\":%ld,\"sentAll\":%ld,\"answeredAll\":%ld},"
      "\"reconnects\":%ld,\"retries\":%ld,\"writeWaits\":%ld,\"errors\":{\"total\":%ld,\"non2xx\":%ld,"
      "\"socket\":%ld,\"malformed\":%ld,\"timeouts\":%ld},\"firstNon2xxStatus\":%d,\"errorSample\":\"%s\","
      "\"bodies\":{\"contentLength\":%ld,\"chunked\":%ld,\"untilClose\":%ld,\"none\":%ld,\"bytes\":%lld},"
      "\"driverCpuSeconds\":%.3f,\"driverCpuSecondsAll\":%.3f,\"wallSeconds\":%.3f}\n",
      measured, sent_measured, answered_measured, sent_all, answered_all, reconnects, retries, write_waits, errors,
      non2xx, sock_errors, malformed, timeouts, sample_status, error_sample, bodies_len, bodies_chunked, bodies_close,
      bodies_none, body_bytes, cpu_end - cpu_window, cpu_end - cpu_start, (t_end - t0) / 1e9);
  fflush(stdout);
  return !sustained ? 3 : errors ? 1 : 0;
}
