#include "claudecode/JsonTextEdit.h"
#include "ClaudeCodeTestHome.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <catch2/catch.hpp>

#include <random>

using namespace sb;

namespace {

QJsonObject parse(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

QByteArray rewritten(const QByteArray &original, const QJsonObject &target)
{
    Expected<QByteArray, QString> out = JsonTextEdit::rewrite(original, target);
    INFO((out ? QString() : out.error()).toStdString());
    REQUIRE(out.hasValue());
    CHECK(parse(*out) == target);
    return *out;
}

const QByteArray kForeign = R"({
  "largeCounter": 9007199254740993,
  "ratio": 1.0,
  "zero": -0,
  "thousand": 1e3,
  "greeting": "caf\u00e9 \"quoted\"",
  "zebra": {"b": [1.0, 2, {"deep": -0.0}], "a": null},
  "env": {
    "EDITOR": "vim"
  },
  "alpha": true
}
)";

} // namespace

TEST_CASE("values not touched keep their bytes: big integers, 1.0, -0, exponents, escapes, key order")
{
    QJsonObject target = parse(kForeign);
    QJsonObject env = target.value(QStringLiteral("env")).toObject();
    env.insert(QStringLiteral("ANTHROPIC_BASE_URL"), QStringLiteral("http://127.0.0.1:4000"));
    target.insert(QStringLiteral("env"), env);
    const QByteArray out = rewritten(kForeign, target);
    for (const char *kept : {"\"largeCounter\": 9007199254740993,", "\"ratio\": 1.0,", "\"zero\": -0,",
                             "\"thousand\": 1e3,", R"("greeting": "caf\u00e9 \"quoted\"",)",
                             R"("zebra": {"b": [1.0, 2, {"deep": -0.0}], "a": null},)", "\"alpha\": true\n}\n"}) {
        INFO(kept);
        CHECK(out.contains(kept));
    }
    CHECK(out.indexOf("largeCounter") < out.indexOf("zebra"));
    CHECK(out.indexOf("zebra") < out.indexOf("alpha"));
    CHECK(out.contains(
        "  \"env\": {\n    \"EDITOR\": \"vim\",\n    \"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:4000\"\n  },"));
}

TEST_CASE("a changed value is replaced in place and nothing else moves")
{
    QJsonObject target = parse(kForeign);
    QJsonObject env = target.value(QStringLiteral("env")).toObject();
    env.insert(QStringLiteral("EDITOR"), QStringLiteral("nano"));
    target.insert(QStringLiteral("env"), env);
    QByteArray expected = kForeign;
    expected.replace("\"vim\"", "\"nano\"");
    CHECK(rewritten(kForeign, target) == expected);
}

TEST_CASE("adding then removing a member gives the original bytes back")
{
    const QByteArray original = ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json"));
    const QJsonObject before = parse(original);
    QJsonObject withKeys = before;
    QJsonObject env = withKeys.value(QStringLiteral("env")).toObject();
    env.insert(QStringLiteral("ANTHROPIC_AUTH_TOKEN"), QStringLiteral("sb-x"));
    withKeys.insert(QStringLiteral("env"), env);
    withKeys.insert(QStringLiteral("newTop"), QJsonObject{{QStringLiteral("nested"), QJsonArray{1, 2}}});
    const QByteArray added = rewritten(original, withKeys);
    CHECK(rewritten(added, before) == original);
}

TEST_CASE("members are removed cleanly wherever they sit, down to an empty object")
{
    const QByteArray original = "{\n  \"a\": 1.0,\n  \"b\": 2,\n  \"c\": 3e0\n}\n";
    QJsonObject target = parse(original);
    target.remove(QStringLiteral("b"));
    CHECK(rewritten(original, target) == "{\n  \"a\": 1.0,\n  \"c\": 3e0\n}\n");
    target.remove(QStringLiteral("c"));
    CHECK(rewritten(original, target) == "{\n  \"a\": 1.0\n}\n");
    target = parse(original);
    target.remove(QStringLiteral("a"));
    CHECK(rewritten(original, target) == "{\n  \"b\": 2,\n  \"c\": 3e0\n}\n");
    CHECK(rewritten(original, QJsonObject()) == "{}\n");
}

TEST_CASE("a member added to an empty or tightly written object follows its layout")
{
    const QJsonObject one{{QStringLiteral("env"), QJsonObject{{QStringLiteral("K"), QStringLiteral("v")}}}};
    CHECK(rewritten("{}", one) == "{\n  \"env\": {\n    \"K\": \"v\"\n  }\n}");
    QJsonObject two = parse(R"({"a":1.50})");
    two.insert(QStringLiteral("b"), true);
    CHECK(rewritten(R"({"a":1.50})", two) == R"({"a":1.50,"b": true})");
    // Four-space files get four-space members.
    QJsonObject four = parse("{\n    \"a\": 1\n}");
    four.insert(QStringLiteral("o"), QJsonObject{{QStringLiteral("x"), 1}});
    CHECK(rewritten("{\n    \"a\": 1\n}", four) == "{\n    \"a\": 1,\n    \"o\": {\n        \"x\": 1\n    }\n}");
}

TEST_CASE("text that is not one object, or repeats a key, is refused so the caller rewrites it whole")
{
    CHECK_FALSE(JsonTextEdit::rewrite("[1, 2]", {}).hasValue());
    CHECK_FALSE(JsonTextEdit::rewrite("{\"a\": 1", {}).hasValue());
    CHECK_FALSE(JsonTextEdit::rewrite(R"({"a": 1, "a": 2})", {}).hasValue());
    CHECK_FALSE(JsonTextEdit::rewrite(R"({"o": {"x": 1, "x": 2}})", {}).hasValue());
}

TEST_CASE("random edits of real settings files always read back as the target and keep untouched members")
{
    std::mt19937 random(20261202);
    for (const char *name : {"settings-customized.json", "settings-other-gateway.json", "claude-state.json"}) {
        QByteArray text = ClaudeCodeTestHome::fixture(QString::fromLatin1(name));
        for (int round = 0; round < 200; ++round) {
            QJsonObject target = parse(text);
            const QStringList keys = target.keys();
            const int action = int(random() % 4);
            const QString key = keys.isEmpty() ? QStringLiteral("k") : keys.at(int(random() % keys.size()));
            if (action == 0 && !keys.isEmpty())
                target.remove(key);
            else if (action == 1)
                target.insert(QStringLiteral("k%1").arg(random() % 8), int(random() % 100));
            else if (action == 2) {
                QJsonObject env = target.value(QStringLiteral("env")).toObject();
                env.insert(QStringLiteral("E%1").arg(random() % 4), QStringLiteral("v%1").arg(round));
                target.insert(QStringLiteral("env"), env);
            } else {
                QJsonObject env = target.value(QStringLiteral("env")).toObject();
                if (!env.isEmpty())
                    env.remove(env.keys().first());
                target.insert(QStringLiteral("env"), env);
            }
            INFO(name << " round " << round);
            text = rewritten(text, target);
        }
    }
}

TEST_CASE("connect and disconnect leave every byte of a settings file they do not own as it was")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    ClaudeCodeTestHome::writeBytes(settingsFile, kForeign);
    const ConnectorResult connected = connector.connect(gatewaySettings());
    INFO(connected.message.toStdString());
    REQUIRE(connected.ok);
    const QByteArray during = ClaudeCodeTestHome::readBytes(settingsFile);
    CHECK(during.contains("\"largeCounter\": 9007199254740993,"));
    CHECK(during.contains("\"ratio\": 1.0,"));
    CHECK(during.contains("\"zero\": -0,"));
    CHECK(during.contains("\"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:4000\""));
    const ConnectorResult undone = connector.disconnect();
    INFO(undone.message.toStdString());
    REQUIRE(undone.ok);
    CHECK(ClaudeCodeTestHome::readBytes(settingsFile) == kForeign);
}
