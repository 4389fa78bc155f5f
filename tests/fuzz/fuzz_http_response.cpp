// The upstream HTTP/1.1 response parser: whole and split feeds agree on head, body and end;
// it ends or fails, never both.
#include "FuzzSupport.h"
#include "upstream/HttpResponseParser.h"

using namespace sb;

namespace {
struct Recorder final : HttpResponseParser::Sink
{
    QByteArray log;
    int ends = 0;
    int errors = 0;
    bool responseHead(int status, const HttpHeaders &headers) override
    {
        log += "H" + QByteArray::number(status) + ":" + QByteArray::number(qsizetype(headers.size())) + ";";
        return true;
    }
    bool responseBody(const char *data, qsizetype size) override
    {
        body.append(data, size);
        return true;
    }
    void responseEnd() override { ++ends; }
    void responseError(const QString &) override { ++errors; }
    QByteArray body;
};

Recorder run(const char *data, qsizetype size, qsizetype cut, bool head)
{
    Recorder recorder;
    HttpResponseParser parser;
    parser.reset(head);
    parser.feed(data, cut, recorder);
    if (recorder.ends == 0 && recorder.errors == 0)
        parser.feed(data + cut, size - cut, recorder);
    if (recorder.ends == 0 && recorder.errors == 0)
        parser.connectionClosed(recorder);
    return recorder;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    fuzz::ensureApplication();
    if (size < 2)
        return 0;
    const bool head = bytes[0] & 1;
    const char *data = reinterpret_cast<const char *>(bytes + 2);
    const qsizetype length = qsizetype(size) - 2;
    const qsizetype cut = qsizetype(bytes[1]) * length / 256;
    const Recorder whole = run(data, length, length, head);
    const Recorder split = run(data, length, cut, head);
    fuzz::require(whole.ends + whole.errors <= 1, "a response ends or fails once");
    fuzz::require(whole.log == split.log, "the same head whatever the split");
    fuzz::require(whole.ends == split.ends && whole.errors == split.errors, "the same outcome whatever the split");
    if (whole.ends == 1)
        fuzz::require(whole.body == split.body, "the same body whatever the split");
    return 0;
}
