/*
 * checkload: a native gRPC load driver for Envoy's ext_authz Check (issue 15's benchmark), so the driver does not
 * eat the cores the server needs (a JVM grpc-java driver took 0.5-0.9 of a core on this 2-core machine). One thread,
 * epoll, libnghttp2 client sessions over plaintext HTTP/2 (h2c, prior knowledge).
 *
 *   checkload HOST PORT BODIES CONNECTIONS INFLIGHT WARMUP DURATION FRACTION [RATE]
 *
 * BODIES: the requests, written by CheckBodies: per request one byte (1 = the answer must allow, 0 = it must deny
 * with PERMISSION_DENIED), a 4-byte big-endian length, then that many bytes: the gRPC-framed CheckRequest. Requests
 * are sent in file order, round-robin over the connections, each one distinct (users' tokens and dataset paths).
 * Phases: a closed loop with INFLIGHT calls on each connection for WARMUP then DURATION seconds (throughput of the
 * second part), then an open loop at FRACTION of that throughput (or at RATE calls/s when given) for WARMUP seconds
 * (not measured) and DURATION seconds, each call's latency measured
 * from its scheduled send time (no coordinated omission). Every answer is checked: grpc-status 0 and the
 * CheckResponse's status code (0 allow, 7 deny) as expected; a wrong answer or error fails the run (exit 1).
 * Prints one line "CHECK_RESULT {json}" (the shape CheckLoad printed, which mesh-check-benchmark.sh reads).
 *
 * Build: cc -O2 -o checkload checkload.c -lnghttp2   (Debian: gcc, libnghttp2-dev)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int permit;
  uint32_t len;
  const uint8_t *bytes;
} request_t;

typedef struct conn conn_t;

typedef struct {
  conn_t *conn;
  const request_t *req;
  size_t sent;
  long long scheduled; /* ns: send time (closed loop) or scheduled time (open loop) */
  long slot;           /* open loop: index into the latency array; -1 in the closed loop */
  int grpc_status;     /* -1 until the trailer arrives */
  uint8_t resp[512];
  size_t resp_len;
} stream_t;

struct conn {
  int fd;
  nghttp2_session *session;
  uint8_t *out;
  size_t out_len, out_cap;
  int want_out;
  int inflight;
};

static request_t *requests;
static size_t n_requests, next_request;
static conn_t *conns;
static int n_conns, epfd;
static int phase; /* 0 closed loop (keep INFLIGHT per connection), 1 open loop, 2 draining */
static int per_conn_inflight;
static long long closed_end;
static long long done, permits, denies, wrong, errors;
static char error_sample[200];
static long long *latencies;
static long n_latencies_done;

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

static void die(const char *what) {
  fprintf(stderr, "checkload: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
  exit(2);
}

static void flush_conn(conn_t *c) {
  const uint8_t *data;
  ssize_t n;
  while ((n = nghttp2_session_mem_send(c->session, &data)) > 0) {
    if (c->out_len + (size_t)n > c->out_cap) {
      while (c->out_len + (size_t)n > c->out_cap) c->out_cap = c->out_cap ? c->out_cap * 2 : 65536;
      c->out = realloc(c->out, c->out_cap);
      if (!c->out) die("out of memory");
    }
    memcpy(c->out + c->out_len, data, (size_t)n);
    c->out_len += (size_t)n;
  }
  if (n < 0) die("nghttp2_session_mem_send failed");
  size_t off = 0;
  while (off < c->out_len) {
    ssize_t w = write(c->fd, c->out + off, c->out_len - off);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      die("write");
    }
    off += (size_t)w;
  }
  memmove(c->out, c->out + off, c->out_len - off);
  c->out_len -= off;
  int want = c->out_len > 0;
  if (want != c->want_out) {
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
    c->want_out = want;
  }
}

static ssize_t read_body(nghttp2_session *s, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
    nghttp2_data_source *source, void *user) {
  (void)s, (void)id, (void)user;
  stream_t *st = source->ptr;
  size_t left = st->req->len - st->sent;
  size_t n = left < length ? left : length;
  memcpy(buf, st->req->bytes + st->sent, n);
  st->sent += n;
  if (st->sent == st->req->len) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return (ssize_t)n;
}

static void start_call(conn_t *c, long long scheduled, long slot) {
  stream_t *st = calloc(1, sizeof *st);
  if (!st) die("out of memory");
  st->conn = c;
  st->req = &requests[next_request++ % n_requests];
  st->scheduled = scheduled;
  st->slot = slot;
  st->grpc_status = -1;
  static char authority[300];
  if (!authority[0]) strcpy(authority, "127.0.0.1");
  nghttp2_nv h[] = {
      {(uint8_t *)":method", (uint8_t *)"POST", 7, 4, NGHTTP2_NV_FLAG_NONE},
      {(uint8_t *)":scheme", (uint8_t *)"http", 7, 4, NGHTTP2_NV_FLAG_NONE},
      {(uint8_t *)":path", (uint8_t *)"/envoy.service.auth.v3.Authorization/Check", 5, 42, NGHTTP2_NV_FLAG_NONE},
      {(uint8_t *)":authority", (uint8_t *)authority, 10, strlen(authority), NGHTTP2_NV_FLAG_NONE},
      {(uint8_t *)"content-type", (uint8_t *)"application/grpc", 12, 16, NGHTTP2_NV_FLAG_NONE},
      {(uint8_t *)"te", (uint8_t *)"trailers", 2, 8, NGHTTP2_NV_FLAG_NONE},
      {(uint8_t *)"grpc-timeout", (uint8_t *)"5S", 12, 2, NGHTTP2_NV_FLAG_NONE},
  };
  nghttp2_data_provider body = {.source.ptr = st, .read_callback = read_body};
  if (nghttp2_submit_request(c->session, NULL, h, sizeof h / sizeof h[0], &body, st) < 0) die("submit_request");
  c->inflight++;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t namelen,
    const uint8_t *value, size_t valuelen, uint8_t flags, void *user) {
  (void)flags, (void)user;
  stream_t *st = nghttp2_session_get_stream_user_data(s, f->hd.stream_id);
  if (st && namelen == 11 && memcmp(name, "grpc-status", 11) == 0) {
    char v[16] = {0};
    memcpy(v, value, valuelen < 15 ? valuelen : 15);
    st->grpc_status = atoi(v);
  }
  return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user) {
  (void)flags, (void)user;
  stream_t *st = nghttp2_session_get_stream_user_data(s, id);
  if (st) {
    size_t n = len < sizeof st->resp - st->resp_len ? len : sizeof st->resp - st->resp_len;
    memcpy(st->resp + st->resp_len, data, n);
    st->resp_len += n;
  }
  return 0;
}

static int on_frame(nghttp2_session *s, const nghttp2_frame *f, void *user) {
  (void)s, (void)user;
  if (f->hd.type == NGHTTP2_GOAWAY) {
    fprintf(stderr, "checkload: GOAWAY from the server: error %u %.*s\n", f->goaway.error_code,
        (int)f->goaway.opaque_data_len, f->goaway.opaque_data ? (const char *)f->goaway.opaque_data : "");
  }
  return 0;
}

static int varint(const uint8_t *p, size_t len, size_t *i, uint64_t *out) {
  *out = 0;
  for (int shift = 0; *i < len && shift < 64; shift += 7) {
    uint8_t b = p[(*i)++];
    *out |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return 1;
  }
  return 0;
}

/* The CheckResponse's status.code (field 1 of field 1), 0 when absent; -1 when the bytes do not parse. */
static int check_code(const uint8_t *r, size_t len) {
  if (len < 5) return -1;
  size_t i = 5;
  while (i < len) {
    uint64_t key, l;
    if (!varint(r, len, &i, &key)) return -1;
    int wt = (int)(key & 7);
    if (wt == 0) {
      if (!varint(r, len, &i, &l)) return -1;
      continue;
    }
    if (wt != 2 || !varint(r, len, &i, &l) || i + l > len) return -1;
    if ((key >> 3) == 1) { /* google.rpc.Status */
      size_t j = i, end = i + (size_t)l;
      while (j < end) {
        uint64_t k2, v;
        if (!varint(r, end, &j, &k2)) return -1;
        if ((k2 & 7) == 0) {
          if (!varint(r, end, &j, &v)) return -1;
          if ((k2 >> 3) == 1) return (int)v;
        } else if ((k2 & 7) == 2) {
          if (!varint(r, end, &j, &v) || j + v > end) return -1;
          j += (size_t)v;
        } else {
          return -1;
        }
      }
      return 0;
    }
    i += (size_t)l;
  }
  return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t error_code, void *user) {
  (void)user;
  stream_t *st = nghttp2_session_get_stream_user_data(s, id);
  if (!st) return 0;
  long long t = now_ns();
  conn_t *c = st->conn;
  c->inflight--;
  done++;
  if (error_code != 0 || st->grpc_status != 0) {
    errors++;
    snprintf(error_sample, sizeof error_sample, "stream error %u, grpc-status %d", error_code, st->grpc_status);
  } else {
    int code = check_code(st->resp, st->resp_len);
    int ok = st->req->permit ? code == 0 : code == 7;
    if (ok) {
      if (st->req->permit) permits++; else denies++;
    } else {
      wrong++;
      snprintf(error_sample, sizeof error_sample, "wrong answer: code %d, expected %s", code,
          st->req->permit ? "allow" : "deny");
    }
  }
  if (st->slot >= 0) {
    latencies[st->slot] = t - st->scheduled;
    n_latencies_done++;
  }
  free(st);
  if (phase == 0 && t < closed_end) start_call(c, t, -1);
  return 0;
}

static void connect_all(const char *host, int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("HOST must be an IPv4 address");
  nghttp2_session_callbacks *cb;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
  nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000}};
  for (int i = 0; i < n_conns; i++) {
    conn_t *c = &conns[i];
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) die("socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    if (nghttp2_session_client_new(&c->session, cb, c) != 0) die("nghttp2_session_client_new");
    nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, settings, 2);
    nghttp2_session_set_local_window_size(c->session, NGHTTP2_FLAG_NONE, 0, 16 << 20);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
    flush_conn(c);
  }
  nghttp2_session_callbacks_del(cb);
}

/* Runs the event loop until `until` (ns) or, when until is 0, until nothing is in flight. */
static void loop(long long until, double rate, long long open_start, long total, int record) {
  struct epoll_event evs[64];
  long next_slot = 0;
  for (;;) {
    long long t = now_ns();
    if (phase == 1) {
      long due = (long)((t - open_start) * rate / 1e9) + 1;
      if (due > total) due = total;
      for (; next_slot < due; next_slot++) {
        conn_t *c = &conns[next_slot % n_conns];
        start_call(c, open_start + (long long)(next_slot * 1e9 / rate), record ? next_slot : -1);
        flush_conn(c);
      }
      if (next_slot >= total) phase = 2;
    }
    int inflight = 0;
    for (int i = 0; i < n_conns; i++) inflight += conns[i].inflight;
    if (until ? t >= until && inflight == 0 : (phase == 2 && inflight == 0)) return;
    if (t > (until ? until : open_start) + 35000000000LL) {
      errors++;
      snprintf(error_sample, sizeof error_sample, "%d calls not answered within 35 s", inflight);
      return;
    }
    /* the open loop wakes at the next call's scheduled time (ns precision); otherwise every 50 ms at most */
    long long wait = 50000000LL;
    if (phase == 1) {
      long long next = open_start + (long long)(next_slot * 1e9 / rate) - now_ns();
      wait = next < 0 ? 0 : next < wait ? next : wait;
    }
    struct timespec ts = {.tv_sec = wait / 1000000000LL, .tv_nsec = wait % 1000000000LL};
    int n = epoll_pwait2(epfd, evs, 64, &ts, NULL);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      conn_t *c = evs[i].data.ptr;
      if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        uint8_t buf[65536];
        for (;;) {
          ssize_t r = read(c->fd, buf, sizeof buf);
          if (r > 0) {
            if (nghttp2_session_mem_recv(c->session, buf, (size_t)r) < 0) die("nghttp2_session_mem_recv failed");
            continue;
          }
          if (r == 0) die("the server closed a connection");
          if (errno == EAGAIN || errno == EINTR) break;
          die("read");
        }
      }
      flush_conn(c);
    }
  }
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static double pct(long long *sorted, long n, double p) {
  if (n == 0) return 0;
  long i = (long)(n * p);
  return sorted[i < n ? i : n - 1] / 1e3;
}

/* To stderr: each 100 ms window of the open loop (by scheduled send time) whose slowest call took over 2 ms, with
 * the wall-clock time of the window, so a stall can be matched with the server's GC/safepoint log or `nstat`. */
static void report_spikes(long total, double rate, struct timespec open_wall) {
  long per_window = (long)(rate / 10);
  if (per_window < 1) per_window = 1;
  for (long w = 0; w * per_window < total; w++) {
    long long worst = 0;
    long over = 0;
    for (long i = w * per_window; i < (w + 1) * per_window && i < total; i++) {
      if (latencies[i] > worst) worst = latencies[i];
      if (latencies[i] > 2000000LL) over++;
    }
    if (worst <= 2000000LL) continue;
    long long ms = open_wall.tv_sec * 1000LL + open_wall.tv_nsec / 1000000 + w * 100;
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    fprintf(stderr, "SPIKE %02d:%02d:%02d.%03lld +%.1fs worst %.1f ms, %ld calls over 2 ms\n", tm.tm_hour, tm.tm_min,
        tm.tm_sec, ms % 1000, w / 10.0, worst / 1e6, over);
  }
}

static void closed_loop(int seconds) {
  phase = 0;
  closed_end = now_ns() + seconds * 1000000000LL;
  for (int i = 0; i < n_conns; i++) {
    for (int k = 0; k < per_conn_inflight; k++) start_call(&conns[i], now_ns(), -1);
    flush_conn(&conns[i]);
  }
  loop(closed_end, 0, 0, 0, 0);
}

int main(int argc, char **argv) {
  if (argc != 9 && argc != 10) {
    fprintf(stderr, "usage: checkload HOST PORT BODIES CONNECTIONS INFLIGHT WARMUP DURATION FRACTION [RATE]\n");
    return 2;
  }
  n_conns = atoi(argv[4]);
  int inflight = atoi(argv[5]), warmup = atoi(argv[6]), duration = atoi(argv[7]);
  double fraction = atof(argv[8]);
  if (n_conns < 1 || inflight < n_conns || warmup < 0 || duration < 1 || fraction <= 0) die("bad arguments");
  per_conn_inflight = inflight / n_conns;
  FILE *f = fopen(argv[3], "rb");
  if (!f) die("cannot open BODIES");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  uint8_t *all = malloc((size_t)size);
  if (!all || fread(all, 1, (size_t)size, f) != (size_t)size) die("cannot read BODIES");
  fclose(f);
  size_t cap = 1024;
  requests = malloc(cap * sizeof *requests);
  for (long i = 0; i + 5 <= size;) {
    uint32_t len = (uint32_t)all[i + 1] << 24 | (uint32_t)all[i + 2] << 16 | (uint32_t)all[i + 3] << 8 | all[i + 4];
    if (i + 5 + (long)len > size) die("BODIES is truncated");
    if (n_requests == cap) requests = realloc(requests, (cap *= 2) * sizeof *requests);
    requests[n_requests++] = (request_t){all[i] == 1, len, all + i + 5};
    i += 5 + (long)len;
  }
  if (n_requests == 0) die("no requests in BODIES");
  conns = calloc((size_t)n_conns, sizeof *conns);
  epfd = epoll_create1(0);
  connect_all(argv[1], atoi(argv[2]));

  closed_loop(warmup);
  done = permits = denies = wrong = errors = 0;
  error_sample[0] = 0;
  double cpu0 = cpu_seconds();
  long long t0 = now_ns();
  closed_loop(duration);
  double seconds = (now_ns() - t0) / 1e9;
  long long closed_calls = done;
  double closed_rate = closed_calls / seconds, closed_cpu = cpu_seconds() - cpu0;

  double rate = argc == 10 ? atof(argv[9]) : closed_rate * fraction;
  if (rate < 1) rate = 1;
  long total = (long)(rate * duration);
  latencies = calloc((size_t)total + 1, sizeof *latencies);
  /* the open loop's own warm-up (not measured): at the same rate for WARMUP seconds, since a server warmed only by
   * the closed loop (many frames per read) met the open loop's one frame per read with recompilations that held the
   * first measured second up by up to a second */
  if (warmup > 0) {
    phase = 1;
    loop(0, rate, now_ns(), (long)(rate * warmup), 0);
  }
  double cpu1 = cpu_seconds();
  phase = 1;
  struct timespec open_wall;
  clock_gettime(CLOCK_REALTIME, &open_wall);
  loop(0, rate, now_ns(), total, 1);
  double open_cpu = cpu_seconds() - cpu1;
  report_spikes(total, rate, open_wall);
  qsort(latencies, (size_t)n_latencies_done, sizeof *latencies, cmp);
  long n = n_latencies_done;
  for (char *p = error_sample; *p; p++) if (*p == '"' || *p == '\\') *p = '\'';
  printf("CHECK_RESULT {\"driver\":\"checkload (C, nghttp2 %s)\",\"requests\":%zu,\"connections\":%d,"
      "\"concurrency\":%d,\"closed\":{\"calls\":%lld,\"seconds\":%.3f,\"perSecond\":%.1f,\"driverCpuSeconds\":%.2f},"
      "\"open\":{\"targetPerSecond\":%.1f,\"calls\":%ld,\"driverCpuSeconds\":%.2f,\"latencyUs\":{\"p50\":%.1f,"
      "\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}},\"permits\":%lld,\"denies\":%lld,\"wrong\":%lld,"
      "\"errors\":%lld,\"errorSample\":\"%s\"}\n",
      nghttp2_version(0)->version_str, n_requests, n_conns, per_conn_inflight * n_conns, closed_calls, seconds,
      closed_rate, closed_cpu, rate, n, open_cpu, pct(latencies, n, 0.5), pct(latencies, n, 0.9),
      pct(latencies, n, 0.99), pct(latencies, n, 0.999), n ? latencies[n - 1] / 1e3 : 0, permits, denies, wrong,
      errors, error_sample);
  return wrong || errors ? 1 : 0;
}
