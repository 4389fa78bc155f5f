// switchboard-loadgen: a small closed-loop HTTP/1.1 load generator for the benchmarks.
// One thread, epoll, keep-alive connections; measures per-request latency (send to last
// byte) and time to first body byte, and prints one JSON line. Linux only (bench tool).
//
//   switchboard-loadgen --port P --path /v1/messages --body anthropic|openai --kb 2|50
//                       [--stream] [--concurrency C] [--requests N] [--token T] [--hold]
//   switchboard-loadgen --port P --wait-200 PATH      (prints epoch-ns of the first 200)
//
// A/B mode (--ab-port P2 --duration S): half the connections go to P and half to P2, all in
// one event loop, for S seconds; prints one JSON line per port ("a" and "b"). Two servers
// pinned to the same core under the same closed-loop load share that core, so the ratio of
// their throughputs is the ratio of their CPU cost per request, whatever the machine's speed
// does meanwhile.
#include <arpa/inet.h>
#include <fcntl.h>
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
#include <limits>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

std::string pad(size_t bytes)
{
    std::string text;
    const char *words[] = {"alpha ", "kernel ", "buffer ", "socket ", "stream ", "token ", "model ", "router "};
    for (size_t i = 0; text.size() < bytes; ++i)
        text += words[i % 8];
    text.resize(bytes);
    return text;
}

// A Claude-Code-shaped Anthropic body (system blocks, tools with schemas, messages) or
// the same content in OpenAI's shape, of about `kb` kilobytes.
std::string makeBody(const std::string &kind, int kb, bool stream, const std::string &model)
{
    const size_t target = size_t(kb) * 1024;
    std::string tools;
    const int toolCount = kb >= 20 ? 12 : 0;
    for (int i = 0; i < toolCount; ++i) {
        const std::string schema =
            "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":\"" + pad(300) +
            "\"},\"limit\":{\"type\":\"number\"}},\"required\":[\"path\"],\"additionalProperties\":false}";
        const std::string name = "Tool" + std::to_string(i);
        if (!tools.empty())
            tools += ",";
        if (kind == "anthropic")
            tools += "{\"name\":\"" + name + "\",\"description\":\"" + pad(600) + "\",\"input_schema\":" + schema + "}";
        else
            tools += "{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"description\":\"" + pad(600) +
                     "\",\"parameters\":" + schema + "}}";
    }
    std::string head = "{\"model\":\"" + model + "\",\"max_tokens\":1024,\"stream\":" + (stream ? "true" : "false");
    if (!tools.empty())
        head += ",\"tools\":[" + tools + "]";
    const size_t used = head.size() + 200;
    const size_t promptBytes = target > used ? target - used : 64;
    const std::string system = pad(promptBytes / 2);
    const std::string user = pad(promptBytes - promptBytes / 2);
    if (kind == "anthropic")
        return head + ",\"system\":[{\"type\":\"text\",\"text\":\"" + system +
               "\"}],\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + user + "\"}]}]}";
    return head + ",\"messages\":[{\"role\":\"system\",\"content\":\"" + system +
           "\"},{\"role\":\"user\",\"content\":\"" + user + "\"}]}";
}

struct Connection
{
    int fd = -1;
    std::string in;
    size_t written = 0;
    bool headDone = false;
    bool chunked = false;
    long contentLength = -1;
    size_t bodyStart = 0;
    bool gotFirstByte = false;
    int status = 0;
    Clock::time_point sentAt;
    Clock::time_point firstByteAt;
    bool active = false;
    int target = 0; // 0: --port, 1: --ab-port
};

struct Tally
{
    int completed = 0;
    int errors = 0;
    std::vector<double> latencies, firstBytes;
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

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size() - 1) + 0.5));
    return values[index];
}

// Returns true when the response in c.in is complete.
bool parse(Connection &c)
{
    if (!c.headDone) {
        const size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos)
            return false;
        c.headDone = true;
        c.status = std::atoi(c.in.c_str() + 9);
        std::string head = c.in.substr(0, end);
        std::transform(head.begin(), head.end(), head.begin(), ::tolower);
        c.chunked = head.find("transfer-encoding: chunked") != std::string::npos;
        const size_t cl = head.find("content-length:");
        c.contentLength = cl == std::string::npos ? -1 : std::atol(head.c_str() + cl + 15);
        c.bodyStart = end + 4;
    }
    if (!c.gotFirstByte && c.in.size() > c.bodyStart) {
        c.gotFirstByte = true;
        c.firstByteAt = Clock::now();
    }
    if (c.chunked) {
        // Walk the chunks to find the terminating zero-size chunk.
        size_t pos = c.bodyStart;
        for (;;) {
            const size_t lineEnd = c.in.find("\r\n", pos);
            if (lineEnd == std::string::npos)
                return false;
            const long size = std::strtol(c.in.c_str() + pos, nullptr, 16);
            if (size == 0)
                return c.in.size() >= lineEnd + 4;
            pos = lineEnd + 2 + size_t(size) + 2;
            if (pos > c.in.size())
                return false;
        }
    }
    if (c.contentLength >= 0)
        return c.in.size() >= c.bodyStart + size_t(c.contentLength);
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    int port = 0, abPort = 0, concurrency = 1, requests = 1000, kb = 2;
    double duration = 0;
    std::string path = "/v1/messages", kind = "anthropic", token, model = "claude-sonnet-4-5", wait200;
    bool stream = false, hold = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] {
            return std::string(i + 1 < argc ? argv[++i] : "");
        };
        if (a == "--port")
            port = std::atoi(next().c_str());
        else if (a == "--path")
            path = next();
        else if (a == "--body")
            kind = next();
        else if (a == "--kb")
            kb = std::atoi(next().c_str());
        else if (a == "--stream")
            stream = true;
        else if (a == "--concurrency")
            concurrency = std::atoi(next().c_str());
        else if (a == "--requests")
            requests = std::atoi(next().c_str());
        else if (a == "--token")
            token = next();
        else if (a == "--model")
            model = next();
        else if (a == "--hold")
            hold = true;
        else if (a == "--wait-200")
            wait200 = next();
        else if (a == "--ab-port")
            abPort = std::atoi(next().c_str());
        else if (a == "--duration")
            duration = std::atof(next().c_str());
    }
    if (duration > 0)
        requests = std::numeric_limits<int>::max();
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    if (!wait200.empty()) {
        const std::string request = "GET " + wait200 + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        const auto deadline = Clock::now() + std::chrono::seconds(10);
        while (Clock::now() < deadline) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(uint16_t(port));
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
                ::write(fd, request.data(), request.size()) == ssize_t(request.size())) {
                char buffer[64] = {};
                if (::read(fd, buffer, sizeof buffer - 1) > 12 && std::strncmp(buffer + 9, "200", 3) == 0) {
                    const auto now = std::chrono::system_clock::now().time_since_epoch();
                    std::printf("%lld\n", (long long)std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
                    ::close(fd);
                    return 0;
                }
            }
            ::close(fd);
            usleep(200);
        }
        return 1;
    }

    const std::string body = makeBody(kind, kb, stream, model);
    const auto requestFor = [&](int p) {
        std::string text = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(p) +
                           "\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\n";
        if (!token.empty())
            text += "Authorization: Bearer " + token + "\r\n";
        return text + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    const std::string requests2[2] = {requestFor(port), requestFor(abPort)};
    const int ports[2] = {port, abPort};

    const int epoll = ::epoll_create1(0);
    std::vector<Connection> connections(static_cast<size_t>(concurrency));
    Tally tallies[2];
    int started = 0, completed = 0, errors = 0;
    auto send = [&](Connection &c) {
        const std::string &request = requests2[c.target];
        c.in.clear();
        c.headDone = c.gotFirstByte = false;
        c.written = 0;
        c.active = true;
        c.sentAt = Clock::now();
        const ssize_t n = ::write(c.fd, request.data(), request.size());
        c.written = n > 0 ? size_t(n) : 0;
        epoll_event event{};
        event.events = c.written < request.size() ? uint32_t(EPOLLIN | EPOLLOUT) : uint32_t(EPOLLIN);
        event.data.ptr = &c;
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
        ++started;
    };
    for (size_t i = 0; i < connections.size(); ++i) {
        Connection &c = connections[i];
        c.target = abPort > 0 ? int(i % 2) : 0;
        c.fd = connectTo(ports[c.target]);
        epoll_event event{};
        event.events = EPOLLOUT;
        event.data.ptr = &c;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event);
    }
    const auto begin = Clock::now();
    std::vector<epoll_event> events(1024);
    char buffer[65536];
    const auto deadline = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
    while (completed + errors < requests) {
        if (duration > 0 && Clock::now() >= deadline)
            break;
        const int n = ::epoll_wait(epoll, events.data(), int(events.size()), duration > 0 ? 100 : 30000);
        if (n < 0 || (n == 0 && duration <= 0))
            break;
        for (int i = 0; i < n; ++i) {
            Connection &c = *static_cast<Connection *>(events[size_t(i)].data.ptr);
            const std::string &request = requests2[c.target];
            Tally &tally = tallies[c.target];
            if (!c.active && (events[size_t(i)].events & EPOLLOUT)) {
                if (started < requests)
                    send(c);
                continue;
            }
            if (c.active && c.written < request.size() && (events[size_t(i)].events & EPOLLOUT)) {
                const ssize_t w = ::write(c.fd, request.data() + c.written, request.size() - c.written);
                if (w > 0)
                    c.written += size_t(w);
                if (c.written == request.size()) {
                    epoll_event event{};
                    event.events = EPOLLIN;
                    event.data.ptr = &c;
                    ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
                }
            }
            if (!(events[size_t(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                continue;
            for (;;) {
                const ssize_t got = ::read(c.fd, buffer, sizeof buffer);
                if (got > 0) {
                    c.in.append(buffer, size_t(got));
                    continue;
                }
                if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    // Closed: count an error, reconnect.
                    ++errors;
                    ++tally.errors;
                    ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                    ::close(c.fd);
                    c.fd = connectTo(ports[c.target]);
                    c.active = false;
                    epoll_event event{};
                    event.events = EPOLLOUT;
                    event.data.ptr = &c;
                    ::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event);
                }
                break;
            }
            if (c.active && parse(c)) {
                const auto done = Clock::now();
                if (c.status == 200) {
                    ++completed;
                    ++tally.completed;
                    tally.latencies.push_back(ms(done - c.sentAt));
                    tally.firstBytes.push_back(ms(c.firstByteAt - c.sentAt));
                } else {
                    ++errors;
                    ++tally.errors;
                }
                c.active = false;
                if (started < requests && !hold) {
                    send(c);
                }
            }
        }
    }
    const double seconds = duration > 0 ? duration : ms(Clock::now() - begin) / 1000.0;
    const auto print = [&](const char *prefix, const Tally &t) {
        std::printf("%s{\"requests\":%d,\"errors\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
                    "\"p99_ms\":%.3f,\"ttfb_p50_ms\":%.3f,\"ttfb_p99_ms\":%.3f,\"body_bytes\":%zu}",
                    prefix, t.completed, t.errors, seconds, t.completed / seconds, percentile(t.latencies, 50),
                    percentile(t.latencies, 90), percentile(t.latencies, 99), percentile(t.firstBytes, 50),
                    percentile(t.firstBytes, 99), body.size());
    };
    if (abPort > 0) {
        print("{\"a\":", tallies[0]);
        print(",\"b\":", tallies[1]);
        std::printf("}\n");
    } else {
        print("", tallies[0]);
        std::printf("\n");
    }
    return errors == 0 ? 0 : 1;
}
