// What the usage room keeps of an error message: keys and tokens masked, the length capped.
#include "usage/SecretRedaction.h"

#include <catch2/catch.hpp>

#include <QStringList>

using namespace sb;
using namespace sb::secret_redaction;

TEST_CASE("provider keys, gateway tokens and bearer tokens are masked, keeping their marker")
{
    CHECK(redactSecrets(QStringLiteral("invalid x-api-key sk-ant-api03-AbCdEf123456_xyz-QRSTuvw (401)")) ==
          QStringLiteral("invalid x-api-key sk-ant-api03-… (401)"));
    CHECK(redactSecrets(QStringLiteral("Incorrect API key provided: sk-proj-abcdefghijklmnop1234.")) ==
          QStringLiteral("Incorrect API key provided: sk-proj-…."));
    CHECK(redactSecrets(QStringLiteral("{\"key\":\"sk-abcdefgh12345678\"}")) == QStringLiteral("{\"key\":\"sk-…\"}"));
    CHECK(redactSecrets(QStringLiteral("sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln and")) ==
          QStringLiteral("sent Authorization: Bearer … and"));
    CHECK(redactSecrets(QStringLiteral("authorization: bearer abc123DEF456ghi")) ==
          QStringLiteral("authorization: bearer …"));
    const QString gatewayToken = QStringLiteral("sb-Qm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg");
    CHECK(redactSecrets(QStringLiteral("token ") + gatewayToken + QStringLiteral(" refused")) ==
          QStringLiteral("token sb-… refused"));
    CHECK(redactSecrets(QStringLiteral("GET /v1/models?api_key=abcdefgh12345678&limit=5")) ==
          QStringLiteral("GET /v1/models?api_key=…&limit=5"));
    CHECK(redactSecrets(QStringLiteral("header x-api-key: \"0123456789abcdef\" rejected")) ==
          QStringLiteral("header x-api-key: \"…\" rejected"));
    // A key behind a header name is masked once, and keeps saying which kind it was.
    CHECK(redactSecrets(QStringLiteral("x-api-key: sk-ant-api03-AbCdEf123456")) ==
          QStringLiteral("x-api-key: sk-ant-api03-…"));
    CHECK(redactSecrets(QStringLiteral("Bearer sk-proj-abcdefghijklmnop")) == QStringLiteral("Bearer sk-proj-…"));
    // Two secrets in one text.
    CHECK(redactSecrets(QStringLiteral("sk-aaaaaaaaaaaa and sk-bbbbbbbbbbbb")) == QStringLiteral("sk-… and sk-…"));
}

TEST_CASE("words that only look like the start of a key are kept")
{
    const QStringList kept = {
        QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection"),
        QStringLiteral("task-abcdefghijklmnop failed"),     // "sk-" inside a word
        QStringLiteral("the model sk-learn is not served"), // too short to be a key
        QStringLiteral("missing Bearer token"),
        QStringLiteral("max_tokens: 123456789 is above the limit"),
        QStringLiteral("sb-spend-log"),
        QString(),
        QStringLiteral(""),
    };
    for (const QString &text : kept) {
        INFO(text.toStdString());
        CHECK(redactSecrets(text) == text);
    }
    CHECK(redactSecrets(QString()).isNull());
}

TEST_CASE("a stored error message is masked, capped at 500 units, null and empty kept apart")
{
    CHECK(storedErrorMessage(QString()).isNull());
    CHECK(storedErrorMessage(QStringLiteral("")).isEmpty());
    CHECK_FALSE(storedErrorMessage(QStringLiteral("")).isNull());
    CHECK(storedErrorMessage(QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection")) ==
          QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection"));

    const QString exactly = QString(kMaxErrorMessage, QLatin1Char('x'));
    CHECK(storedErrorMessage(exactly) == exactly);

    // A megabyte of an upstream's answer, a key in it: 499 units and "…", no key.
    const QString body = QStringLiteral("upstream said: <html> sk-ant-api03-SecretSecretSecret ") +
                         QString(1024 * 1024, QLatin1Char('y')) + QStringLiteral(" sk-ant-api03-TailSecretTail");
    const QString stored = storedErrorMessage(body);
    CHECK(stored.size() == kMaxErrorMessage);
    CHECK(stored.startsWith(QStringLiteral("upstream said: <html> sk-ant-api03-… yyy")));
    CHECK(stored.endsWith(QStringLiteral("y…")));
    CHECK_FALSE(stored.contains(QStringLiteral("Secret")));

    // A key right where the text is cut is masked before the cut, not cut to a stub.
    const QString atCut =
        QString(kMaxErrorMessage - 10, QLatin1Char(' ')) + QStringLiteral("sk-abcdefghijklmnopqrstuvwxyz");
    const QString cutStored = storedErrorMessage(atCut);
    CHECK(cutStored == QString(kMaxErrorMessage - 10, QLatin1Char(' ')) + QStringLiteral("sk-…"));

    // Never half of a character: a surrogate pair straddling the cut goes whole.
    const QString rocket = QStringLiteral("\U0001F680");
    const QString emoji = QString(kMaxErrorMessage - 2, QLatin1Char('z')) + rocket + rocket;
    const QString emojiStored = storedErrorMessage(emoji);
    CHECK(emojiStored == QString(kMaxErrorMessage - 2, QLatin1Char('z')) + QStringLiteral("…"));
}
