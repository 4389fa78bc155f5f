// `switchboard config check` through the real binary: exit codes, file:line issues, --json.
#include "SwitchboardHome.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb::test;

namespace {

const QString kBinary = QStringLiteral(SWITCHBOARD_BINARY);

QString str(const char *text)
{
    return QString::fromUtf8(text);
}

} // namespace

TEST_CASE("config check exits 0 for a config that would start, listing its warnings with file:line", "[cli][config]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const QString path = home.writeConfig("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, num_ctx: 32768}\n"
                                          "  - model_name: aws\n"
                                          "    litellm_params: {model: bedrock/anthropic.claude-3}\n");
    const CliResult result = home.run({str("config"), str("check"), path});
    INFO(result.output().toStdString() << result.errors().toStdString());
    REQUIRE(result.finished);
    CHECK(result.exitCode == 0);
    CHECK(result.output().contains(path + str(":5: warning: model_list[1].litellm_params.model: provider "
                                              "\"bedrock\" is not supported")));
    CHECK(result.output().contains(str("would start (0 errors, 1 warnings)")));
}

TEST_CASE("config check exits 1 for a config that would not start, and --json says why", "[cli][config]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const QString path = home.writeConfig("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: ollama/x, rpm: fast}\n");
    const CliResult text = home.run({str("config"), str("check"), path});
    INFO(text.output().toStdString() << text.errors().toStdString());
    CHECK(text.exitCode == 1);
    CHECK(text.output().contains(path + str(":3: error: model_list[0].litellm_params.rpm: expected an integer")));
    CHECK(text.output().contains(str("would NOT start (1 errors")));

    const CliResult json = home.run({str("config"), str("check"), path, str("--json")});
    CHECK(json.exitCode == 1);
    const QJsonObject report = QJsonDocument::fromJson(json.out).object();
    CHECK(report.value(str("would_start")) == QJsonValue(false));
    CHECK(report.value(str("errors")).toInt() == 1);
    const QJsonArray issues = report.value(str("issues")).toArray();
    REQUIRE(issues.size() >= 1);
    bool found = false;
    for (const QJsonValue &issue : issues) {
        const QJsonObject o = issue.toObject();
        if (o.value(str("severity")).toString() == str("error")) {
            CHECK(o.value(str("line")).toInt() == 3);
            CHECK(o.value(str("key")).toString() == str("model_list[0].litellm_params.rpm"));
            found = true;
        }
    }
    CHECK(found);
}

TEST_CASE("config check uses --port for the self-loop check, and usage errors exit 2", "[cli][config]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    // An upstream on the default port 4000 is no loop when the gateway listens elsewhere.
    const QString path =
        home.writeConfig("model_list:\n"
                         "  - model_name: main\n"
                         "    litellm_params: {model: openai/x, api_base: 'http://127.0.0.1:4000/v1'}\n");
    CHECK(home.run({str("config"), str("check"), path}).exitCode == 1);
    const CliResult elsewhere = home.run({str("config"), str("check"), path, str("--port"), str("45999")});
    INFO(elsewhere.output().toStdString());
    CHECK(elsewhere.exitCode == 0);

    CHECK(home.run({str("config")}).exitCode == 2);
    CHECK(home.run({str("config"), str("lint"), path}).exitCode == 2);
    CHECK(home.run({str("config"), str("check"), path, str("--frobnicate")}).exitCode == 2);
    CHECK(home.run({str("config"), str("check"), home.path(str("missing.yaml"))}).exitCode == 1);
}
