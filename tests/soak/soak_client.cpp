// switchboard-soak-client: keeps C streaming requests open against the gateway for S seconds.
// Each stream is a new connection that sends one Anthropic streaming request and, picked at
// random, either reads to the end or hangs up after a random number of body bytes; a finished
// stream is replaced at once, so C stay open. One thread, epoll. Linux only (soak tool).
//
//   switchboard-soak-client --port P --token T [--model M] [--concurrency C] [--duration S]
//                           [--hangup-rate H] [--hangup-max-bytes B] [--seed N] [--stall-seconds X]
//
// Every stream is classified (see tests/soak/soak.sh for what is expected):
//   completed   200, `event: message_stop` seen, the chunked body ended with its last chunk
//   sse_error   200, `event: error` seen, then the body ended (last chunk or close)
//   hung_up     the client closed it on purpose before it ended
//   rejected_N  a non-200 answer with status N and a JSON error body
//   unexpected  anything else; the first few are described on stderr
// Prints one line of key=value counts on stdout at the end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Stream
{
    int fd = -1;
    size_t written = 0;
    std::string raw;     // bytes as received
    std::string body;    // de-chunked body
    size_t parsedTo = 0; // how far raw has been de-chunked
    bool headDone = false;
    bool chunked = false;
    long contentLength = -1;
    int status = 0;
    long hangupAfter = -1; // >= 0: close once this many body bytes arrived
    bool ended = false;    // the framing says the body is complete
    Clock::time_point lastActivity;
};

struct Counts
{
    long started = 0, completed = 0, sseError = 0, sseErrorClosed = 0, hungUp = 0, unexpected = 0;
    std::map<int, long> rejected;
    std::map<std::string, long> unexpectedKinds;
};

int connectTo(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    return fd;
}

// Parses what arrived so far: the head, then the body de-chunked into s.body.
void parse(Stream &s)
{
    if (!s.headDone) {
        const size_t end = s.raw.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        s.headDone = true;
        s.status = std::atoi(s.raw.c_str() + 9);
        std::string head = s.raw.substr(0, end);
        std::transform(head.begin(), head.end(), head.begin(), ::tolower);
        s.chunked = head.find("transfer-encoding: chunked") != std::string::npos;
        const size_t cl = head.find("content-length:");
        s.contentLength = cl == std::string::npos ? -1 : std::atol(head.c_str() + cl + 15);
        s.parsedTo = end + 4;
    }
    if (!s.chunked) {
        s.body.append(s.raw, s.parsedTo, std::string::npos);
        s.parsedTo = s.raw.size();
        if (s.contentLength >= 0 && long(s.body.size()) >= s.contentLength)
            s.ended = true;
        return;
    }
    while (!s.ended) {
        const size_t lineEnd = s.raw.find("\r\n", s.parsedTo);
        if (lineEnd == std::string::npos)
            return;
        const long size = std::strtol(s.raw.c_str() + s.parsedTo, nullptr, 16);
        if (size == 0) {
            if (s.raw.size() >= lineEnd + 4)
                s.ended = true;
            return;
        }
        const size_t next = lineEnd + 2 + size_t(size) + 2;
        if (next > s.raw.size())
            return;
        s.body.append(s.raw, lineEnd + 2, size_t(size));
        s.parsedTo = next;
    }
}

bool has(const std::string &body, const char *text)
{
    return body.find(text) != std::string::npos;
}

} // namespace

int main(int argc, char **argv)
{
    int port = 0, concurrency = 100, hangupMaxBytes = 6000, stallSeconds = 60;
    double duration = 60, hangupRate = 0.3;
    unsigned seed = 1;
    std::string token, model = "claude-sonnet-4-5";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] {
            return std::string(i + 1 < argc ? argv[++i] : "");
        };
        if (a == "--port")
            port = std::atoi(next().c_str());
        else if (a == "--token")
            token = next();
        else if (a == "--model")
            model = next();
        else if (a == "--concurrency")
            concurrency = std::atoi(next().c_str());
        else if (a == "--duration")
            duration = std::atof(next().c_str());
        else if (a == "--hangup-rate")
            hangupRate = std::atof(next().c_str());
        else if (a == "--hangup-max-bytes")
            hangupMaxBytes = std::atoi(next().c_str());
        else if (a == "--seed")
            seed = unsigned(std::atol(next().c_str()));
        else if (a == "--stall-seconds")
            stallSeconds = std::atoi(next().c_str());
    }
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    const std::string body = "{\"model\":\"" + model +
                             "\",\"max_tokens\":256,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                             "\"Tell me a story about a switchboard operator.\"}]}";
    std::string request =
        "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
        "\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\nConnection: close\r\n";
    if (!token.empty())
        request += "Authorization: Bearer " + token + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

    std::mt19937 random(seed);
    const int epoll = ::epoll_create1(0);
    std::vector<Stream> streams(size_t(std::max(1, concurrency)));
    Counts counts;
    int reported = 0;
    auto unexpected = [&](const Stream &s, const std::string &kind) {
        ++counts.unexpected;
        ++counts.unexpectedKinds[kind];
        if (reported++ < 10)
            std::fprintf(stderr, "unexpected stream (%s): status %d, %zu body bytes, last: %.300s\n", kind.c_str(),
                         s.status, s.body.size(), s.body.substr(s.body.size() > 300 ? s.body.size() - 300 : 0).c_str());
    };
    auto start = [&](Stream &s) {
        s = Stream{};
        s.fd = connectTo(port);
        s.lastActivity = Clock::now();
        if (std::uniform_real_distribution<double>(0.0, 1.0)(random) < hangupRate)
            s.hangupAfter = long(random() % unsigned(hangupMaxBytes + 1));
        epoll_event event{};
        event.events = EPOLLOUT | EPOLLIN;
        event.data.ptr = &s;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, s.fd, &event);
        ++counts.started;
    };
    auto finish = [&](Stream &s) {
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, s.fd, nullptr);
        ::close(s.fd);
        s.fd = -1;
    };
    // Classifies a stream that is over: its body ended, or the server closed the connection.
    auto classify = [&](Stream &s, bool closedByServer) {
        if (!s.headDone) {
            unexpected(s, closedByServer ? "closed before the head" : "no head");
        } else if (s.status != 200) {
            if (s.ended && has(s.body, "\"error\""))
                ++counts.rejected[s.status];
            else
                unexpected(s, "non-200 without a whole JSON error body");
        } else if (has(s.body, "event: error")) {
            if (has(s.body, "event: message_stop"))
                unexpected(s, "both message_stop and error");
            else if (s.ended)
                ++counts.sseError;
            else
                ++counts.sseErrorClosed;
        } else if (has(s.body, "event: message_stop") && s.ended) {
            ++counts.completed;
        } else if (s.ended) {
            unexpected(s, "ended without message_stop or error");
        } else {
            unexpected(s, "closed mid-stream without an error event");
        }
    };

    const auto begin = Clock::now();
    const auto deadline = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
    for (Stream &s : streams)
        start(s);
    std::vector<epoll_event> events(1024);
    char buffer[65536];
    bool draining = false;
    auto lastStallCheck = Clock::now();
    for (;;) {
        const auto now = Clock::now();
        if (!draining && now >= deadline)
            draining = true;
        const bool anyOpen = std::any_of(streams.begin(), streams.end(), [](const Stream &s) { return s.fd >= 0; });
        if (draining && !anyOpen)
            break;
        if (now - lastStallCheck > std::chrono::seconds(1)) {
            lastStallCheck = now;
            for (Stream &s : streams) {
                if (s.fd >= 0 && now - s.lastActivity > std::chrono::seconds(stallSeconds)) {
                    unexpected(s, "stalled");
                    finish(s);
                    if (!draining)
                        start(s);
                }
            }
        }
        const int n = ::epoll_wait(epoll, events.data(), int(events.size()), 100);
        for (int i = 0; i < n; ++i) {
            Stream &s = *static_cast<Stream *>(events[size_t(i)].data.ptr);
            if (s.fd < 0)
                continue;
            const uint32_t what = events[size_t(i)].events;
            if ((what & EPOLLOUT) && s.written < request.size()) {
                const ssize_t w = ::write(s.fd, request.data() + s.written, request.size() - s.written);
                if (w > 0)
                    s.written += size_t(w);
                if (s.written == request.size()) {
                    epoll_event event{};
                    event.events = EPOLLIN;
                    event.data.ptr = &s;
                    ::epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &event);
                }
            }
            if (!(what & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                continue;
            bool closed = false;
            for (;;) {
                const ssize_t got = ::read(s.fd, buffer, sizeof buffer);
                if (got > 0) {
                    s.raw.append(buffer, size_t(got));
                    continue;
                }
                if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                    closed = true;
                break;
            }
            s.lastActivity = Clock::now();
            parse(s);
            if (!s.ended && s.hangupAfter >= 0 && s.headDone && long(s.body.size()) >= s.hangupAfter) {
                ++counts.hungUp;
            } else if (s.ended || closed) {
                classify(s, closed && !s.ended);
            } else {
                continue;
            }
            finish(s);
            if (!draining)
                start(s);
        }
    }
    std::printf("started=%ld completed=%ld sse_error=%ld sse_error_closed=%ld hung_up=%ld unexpected=%ld",
                counts.started, counts.completed, counts.sseError, counts.sseErrorClosed, counts.hungUp,
                counts.unexpected);
    long rejected = 0;
    for (const auto &[status, count] : counts.rejected) {
        std::printf(" rejected_%d=%ld", status, count);
        rejected += count;
    }
    std::printf(" rejected=%ld seconds=%.1f\n", rejected, std::chrono::duration<double>(Clock::now() - begin).count());
    for (const auto &[kind, count] : counts.unexpectedKinds)
        std::fprintf(stderr, "unexpected: %ld x %s\n", count, kind.c_str());
    return counts.unexpected == 0 ? 0 : 1;
}
