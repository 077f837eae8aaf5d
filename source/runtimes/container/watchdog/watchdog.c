/*
 * nebula-watchdog: the long-running process of a warm container.
 *
 * Like OpenFaaS's classic watchdog it forks the function once per request, but it talks
 * over its own stdin and stdout (the container's attached stdio), so the container needs
 * no network at all. One request at a time:
 *
 *   ready    (stdout): "NBW2", once, before the first request
 *   request  (stdin):  "NBQ2" u32 timeout_ms, u32 output_limit, u32 input_len, input bytes
 *   response (stdout): "NBR1" u32 kind, i32 code, u32 oom_kills, u32 out_len, u32 err_len,
 *                      stdout bytes, stderr bytes
 *   all integers big-endian; kind 0 exited (code = exit status), 1 killed by a signal
 *   (code = signal), 2 timed out (killed by the watchdog), 3 could not start (code = errno),
 *   4 wrote more than output_limit bytes over stdout and stderr together (killed by the
 *   watchdog at once, nothing of its output kept: a flood must not fill the container's
 *   memory and end as an out-of-memory kill instead).
 *
 * oom_kills is how many processes the kernel's OOM killer ended in this container's memory
 * cgroup during the request, read from the cgroup files (v1 memory.oom_control, v2
 * memory.events). The watchdog exits when stdin closes.
 *
 * Build (static, so it runs in a FROM scratch image):  gcc -static -O2 -o nebula-watchdog watchdog.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
  KIND_EXITED = 0,
  KIND_SIGNALED = 1,
  KIND_TIMEOUT = 2,
  KIND_SPAWN_FAILED = 3,
  KIND_OUTPUT_LIMIT = 4
};

struct buf {
  char *data;
  size_t len, cap;
};

static void die(const char *what) {
  fprintf(stderr, "nebula-watchdog: %s: %s\n", what, strerror(errno));
  exit(111);
}

static void buf_add(struct buf *b, const char *data, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + len) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) die("out of memory for output");
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

/* Reads exactly len bytes; returns 0 on a clean EOF before the first byte. */
static int read_full(int fd, void *out, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, (char *)out + got, len - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("read request");
    if (n == 0) {
      if (got == 0) return 0;
      fprintf(stderr, "nebula-watchdog: request cut short\n");
      exit(112);
    }
    got += (size_t)n;
  }
  return 1;
}

static void write_full(int fd, const void *data, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, (const char *)data + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("write response");
    done += (size_t)n;
  }
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The "oom_kill N" counter of this container's memory cgroup, or 0 when unreadable. */
static uint32_t oom_kills(void) {
  static const char *files[] = {"/sys/fs/cgroup/memory/memory.oom_control",
                                "/sys/fs/cgroup/memory.events"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    FILE *f = fopen(files[i], "r");
    if (!f) continue;
    char key[64];
    unsigned long long value;
    while (fscanf(f, "%63s %llu", key, &value) == 2) {
      if (strcmp(key, "oom_kill") == 0) {
        fclose(f);
        return (uint32_t)value;
      }
    }
    fclose(f);
  }
  return 0;
}

static void set_nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

static void respond(uint32_t kind, int32_t code, uint32_t ooms, struct buf *out, struct buf *err) {
  unsigned char head[24];
  memcpy(head, "NBR1", 4);
  put_u32(head + 4, kind);
  put_u32(head + 8, (uint32_t)code);
  put_u32(head + 12, ooms);
  put_u32(head + 16, (uint32_t)out->len);
  put_u32(head + 20, (uint32_t)err->len);
  write_full(1, head, sizeof head);
  if (out->len) write_full(1, out->data, out->len);
  if (err->len) write_full(1, err->data, err->len);
}

static void run(char **argv, uint32_t timeout_ms, uint32_t output_limit, const char *input,
                size_t input_len) {
  struct buf out = {0}, err = {0};
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) {
    die("pipe");
  }
  uint32_t ooms_before = oom_kills();
  /* A pipe written by the child just before exec reports an exec failure. */
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC)) die("pipe");
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    close(err_pipe[0]), close(err_pipe[1]), close(exec_pipe[0]), close(exec_pipe[1]);
    respond(KIND_SPAWN_FAILED, e, 0, &out, &err);
    return;
  }
  if (pid == 0) {
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execv(argv[0], argv);
    int e = errno;
    if (write(exec_pipe[1], &e, sizeof e) < 0) _exit(127);
    _exit(127);
  }
  setpgid(pid, pid);
  close(in_pipe[0]), close(out_pipe[1]), close(err_pipe[1]), close(exec_pipe[1]);
  int exec_errno = 0;
  if (read(exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    close(exec_pipe[0]);
    waitpid(pid, NULL, 0);
    close(in_pipe[1]), close(out_pipe[0]), close(err_pipe[0]);
    respond(KIND_SPAWN_FAILED, exec_errno, 0, &out, &err);
    return;
  }
  close(exec_pipe[0]);

  int in_fd = in_pipe[1], out_fd = out_pipe[0], err_fd = err_pipe[0];
  set_nonblock(in_fd);
  set_nonblock(out_fd);
  set_nonblock(err_fd);
  size_t written = 0;
  if (input_len == 0) close(in_fd), in_fd = -1;
  long long deadline = now_ms() + timeout_ms;
  int timed_out = 0, over_limit = 0;
  char chunk[65536];
  while ((out_fd >= 0 || err_fd >= 0) && !over_limit) {
    struct pollfd fds[3];
    int n = 0, i_in = -1, i_out = -1, i_err = -1;
    if (in_fd >= 0) i_in = n, fds[n++] = (struct pollfd){in_fd, POLLOUT, 0};
    if (out_fd >= 0) i_out = n, fds[n++] = (struct pollfd){out_fd, POLLIN, 0};
    if (err_fd >= 0) i_err = n, fds[n++] = (struct pollfd){err_fd, POLLIN, 0};
    long long left = deadline - now_ms();
    if (left <= 0) {
      timed_out = 1;
      break;
    }
    int ready = poll(fds, n, left > 1000000 ? 1000000 : (int)left);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) die("poll");
    if (i_in >= 0 && fds[i_in].revents) {
      ssize_t w = write(in_fd, input + written, input_len - written);
      if (w > 0) written += (size_t)w;
      /* The function may stop reading early (EPIPE): that is its choice, not an error. */
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = input_len;
      if (written == input_len) close(in_fd), in_fd = -1;
    }
    int *fdp[2] = {&out_fd, &err_fd};
    int idx[2] = {i_out, i_err};
    struct buf *bufs[2] = {&out, &err};
    for (int k = 0; k < 2; k++) {
      if (idx[k] < 0 || !fds[idx[k]].revents) continue;
      ssize_t r = read(*fdp[k], chunk, sizeof chunk);
      if (r > 0 && out.len + err.len + (size_t)r > output_limit) {
        over_limit = 1;
        break;
      }
      if (r > 0) buf_add(bufs[k], chunk, (size_t)r);
      else if (r == 0 || (errno != EAGAIN && errno != EINTR)) close(*fdp[k]), *fdp[k] = -1;
    }
  }
  if (timed_out || over_limit) kill(-pid, SIGKILL), kill(pid, SIGKILL);
  if (in_fd >= 0) close(in_fd);
  if (out_fd >= 0) close(out_fd);
  if (err_fd >= 0) close(err_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  /* Whatever the function left behind in its process group goes with it. */
  kill(-pid, SIGKILL);
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  uint32_t ooms = oom_kills() - ooms_before;
  if (over_limit) {
    out.len = err.len = 0;
    respond(KIND_OUTPUT_LIMIT, SIGKILL, ooms, &out, &err);
  } else if (timed_out) respond(KIND_TIMEOUT, SIGKILL, ooms, &out, &err);
  else if (WIFSIGNALED(status)) respond(KIND_SIGNALED, WTERMSIG(status), ooms, &out, &err);
  else respond(KIND_EXITED, WEXITSTATUS(status), ooms, &out, &err);
  free(out.data);
  free(err.data);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: nebula-watchdog FUNCTION [ARG...]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  /* Ready: the host waits for this line before its first request. */
  write_full(1, "NBW2", 4);
  for (;;) {
    unsigned char head[16];
    if (!read_full(0, head, sizeof head)) return 0;
    if (memcmp(head, "NBQ2", 4) != 0) {
      fprintf(stderr, "nebula-watchdog: bad request header\n");
      return 113;
    }
    uint32_t timeout_ms = get_u32(head + 4), output_limit = get_u32(head + 8);
    uint32_t len = get_u32(head + 12);
    char *input = malloc(len ? len : 1);
    if (!input) die("out of memory for input");
    if (len && !read_full(0, input, len)) return 0;
    run(argv + 1, timeout_ms, output_limit, input, len);
    free(input);
  }
}
