// withTopLevelString: the pass-through's one-field edit of a body it does not re-serialize.
#include "protocol/JsonSplice.h"
#include "ProtocolTestSupport.h"

#include <QJsonDocument>

using namespace sb;
using namespace sb::test;

namespace {

// What the general path makes of it: the parsed object with the member replaced.
QJsonObject replacedByQt(const QByteArray &body, const QString &value)
{
    QJsonObject object = parseObject(body);
    object.insert(QStringLiteral("model"), value);
    return object;
}

} // namespace

TEST_CASE("the model is replaced in the received bytes and every other byte is kept")
{
    // Formatting, key order, a float written 1.0, an integer beyond 2^53 and a nested "model"
    // all come through exactly as the client wrote them.
    const QByteArray body = "{\n  \"metadata\": {\"model\": \"inner\"},\n  \"model\" :  \"claude-sonnet-4-5\" ,\n"
                            "  \"temperature\": 1.0, \"x_seq\": 12345678901234567890123,\n"
                            "  \"messages\": [{\"role\": \"user\", \"content\": \"say \\\"model\\\": no\"}]\n}\n";
    const std::optional<QByteArray> out = withTopLevelString(body, QLatin1String("model"), QStringLiteral("qwen"));
    REQUIRE(out);
    CHECK(*out == QByteArray("{\n  \"metadata\": {\"model\": \"inner\"},\n  \"model\" :  \"qwen\" ,\n"
                             "  \"temperature\": 1.0, \"x_seq\": 12345678901234567890123,\n"
                             "  \"messages\": [{\"role\": \"user\", \"content\": \"say \\\"model\\\": no\"}]\n}\n"));
}

TEST_CASE("the replacement is escaped and any kind of old value is replaced")
{
    const QString value = QStringLiteral("a\"b\\c\n你好");
    for (const char *old :
         {"\"m\"", "null", "42", "-1.5e3", "true", "{\"a\":[1,{\"b\":\"}\"}]}", "[\"]\",[]]", "\"\\\"\\\\\\u0041\"",
          R"("ends in a backslash\\")", R"("\\\"}]")", R"({"k":"\\","q":"\"{","r":["\\\\"]})"}) {
        INFO(old);
        const QByteArray body = QByteArray("{\"a\":1,\"model\":") + old + ",\"z\":[true]}";
        const std::optional<QByteArray> out = withTopLevelString(body, QLatin1String("model"), value);
        REQUIRE(out);
        CHECK(parseObject(*out) == replacedByQt(body, value));
        CHECK(out->startsWith("{\"a\":1,\"model\":\""));
        CHECK(out->endsWith("\",\"z\":[true]}"));
    }
}

TEST_CASE("bodies the scan does not vouch for are left to the general path")
{
    const auto splice = [](const QByteArray &body) {
        return withTopLevelString(body, QLatin1String("model"), QStringLiteral("qwen"));
    };
    CHECK_FALSE(splice("{\"messages\":[]}"));                 // no model at the top
    CHECK_FALSE(splice("{\"m\":{\"model\":\"x\"}}"));         // only a nested one
    CHECK_FALSE(splice("{\"mod\\u0065l\":\"x\"}"));           // a key written with an escape
    CHECK_FALSE(splice("{\"model\":\"a\",\"model\":\"b\"}")); // a repeated key
    CHECK_FALSE(splice("{\"model\":\"a\",\"x\":1,\"x\":2}")); // any repeated top-level key
    CHECK_FALSE(splice("[{\"model\":\"x\"}]"));               // not an object
    CHECK_FALSE(splice("{\"model\":\"x\"} {}"));              // something after it
    CHECK_FALSE(splice("{\"model\":\"x\""));                  // cut short
    CHECK_FALSE(splice("{\"model\":\"x"));
    CHECK_FALSE(splice(""));
    // A body with more top-level keys than any request has (checking them pairwise for
    // repeats would be quadratic): the general path.
    QByteArray manyKeys = "{\"model\":\"x\"";
    for (int i = 0; i < 100000; ++i)
        manyKeys += ",\"k" + QByteArray::number(i) + "\":0";
    manyKeys += '}';
    CHECK_FALSE(splice(manyKeys));
    QByteArray enoughKeys = "{\"model\":\"x\"";
    for (int i = 0; i < 60; ++i)
        enoughKeys += ",\"k" + QByteArray::number(i) + "\":0";
    enoughKeys += '}';
    CHECK(splice(enoughKeys) == QByteArray(enoughKeys).replace("\"x\"", "\"qwen\""));
    CHECK(splice(" \t\r\n{ \"model\" : \"x\" } \n") == QByteArray(" \t\r\n{ \"model\" : \"qwen\" } \n"));
    CHECK(splice("{\"model\":\"x\",\"mode\":\"y\",\"models\":1}") ==
          QByteArray("{\"model\":\"qwen\",\"mode\":\"y\",\"models\":1}"));
}

TEST_CASE("splicing every recorded Claude Code request agrees with parsing and re-serializing it")
{
    for (const char *name :
         {"anthropic/claude_code_main_request.json", "anthropic/claude_code_tool_result_request.json"}) {
        INFO(name);
        const QByteArray body = readFixture(QLatin1String(name));
        const std::optional<QByteArray> out =
            withTopLevelString(body, QLatin1String("model"), QStringLiteral("qwen2.5-coder:7b"));
        REQUIRE(out);
        CHECK(parseObject(*out) == replacedByQt(body, QStringLiteral("qwen2.5-coder:7b")));
        CHECK(out->size() == body.size() - parseObject(body).value(QStringLiteral("model")).toString().size() +
                                 QStringLiteral("qwen2.5-coder:7b").size());
    }
}
