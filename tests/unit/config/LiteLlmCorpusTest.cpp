// The LiteLLM-shaped corpus in tests/fixtures/config/litellm/: every file states what Switchboard
// must make of it in `# expect…` lines (README.md there), and this one table test checks them all.
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>

using namespace sb;

namespace {

QString corpusDir()
{
    return QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/config/litellm");
}

QString describe(const ConfigLoadResult &result)
{
    QStringList lines;
    for (const ConfigIssue &issue : result.issues)
        lines.append(issue.toString());
    return lines.join(QLatin1Char('\n'));
}

// `TEXT@N`: an issue of `severity` containing TEXT, on line N when given.
bool hasIssue(const ConfigLoadResult &result, ConfigIssue::Severity severity, const QString &expectation)
{
    const qsizetype at = expectation.lastIndexOf(QLatin1Char('@'));
    bool lineGiven = false;
    const int line = at > 0 ? expectation.mid(at + 1).toInt(&lineGiven) : 0;
    const QString text = lineGiven ? expectation.left(at) : expectation;
    for (const ConfigIssue &issue : result.issues) {
        if (issue.severity == severity && issue.message.contains(text) && (!lineGiven || issue.line == line))
            return true;
    }
    return false;
}

const Deployment *deploymentNamed(const GatewayConfig &config, const QString &name)
{
    for (const Deployment &deployment : config.deployments) {
        if (deployment.modelName == name)
            return &deployment;
    }
    return nullptr;
}

QString setting(const GatewayConfig &config, const QString &name)
{
    const Deployment *first = config.deployments.empty() ? nullptr : &config.deployments.front();
    if (name == QStringLiteral("cache"))
        return config.cache.enabled ? QStringLiteral("true") : QStringLiteral("false");
    if (name == QStringLiteral("session_affinity"))
        return config.router.sessionAffinity ? QStringLiteral("true") : QStringLiteral("false");
    if (!first)
        return QStringLiteral("(no deployment)");
    if (name == QStringLiteral("rpm"))
        return QString::number(first->rpm);
    if (name == QStringLiteral("tpm"))
        return QString::number(first->tpm);
    if (name == QStringLiteral("order"))
        return QString::number(first->order);
    if (name == QStringLiteral("max_parallel_requests"))
        return QString::number(first->maxParallelRequests);
    if (name == QStringLiteral("timeout"))
        return QString::number(first->timeoutSeconds);
    return QStringLiteral("(unknown setting %1)").arg(name);
}

} // namespace

TEST_CASE("every LiteLLM-shaped config of the corpus means what its expect lines say")
{
    const QStringList files = QDir(corpusDir()).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    REQUIRE(files.size() >= 14);
    for (const QString &name : files) {
        QFile file(corpusDir() + QLatin1Char('/') + name);
        REQUIRE(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QStringList expectations;
        QList<QByteArray> setVariables;
        for (const QByteArray &raw : text.split('\n')) {
            const QString line = QString::fromUtf8(raw);
            if (line.startsWith(QStringLiteral("# expect")))
                expectations.append(line.mid(2));
            if (line.startsWith(QStringLiteral("# env: "))) {
                const QStringList pair = line.mid(7).split(QLatin1Char('='));
                qputenv(pair.value(0).toUtf8().constData(), pair.value(1).toUtf8());
                setVariables.append(pair.value(0).toUtf8());
            }
        }
        REQUIRE_FALSE(expectations.isEmpty());
        const ConfigLoadResult result = ConfigLoader::loadText(text, name);
        for (const QByteArray &variable : setVariables)
            qunsetenv(variable.constData());
        for (const QString &expectation : expectations) {
            INFO(name.toStdString() << ": " << expectation.toStdString() << "\nissues:\n"
                                    << describe(result).toStdString());
            const qsizetype colon = expectation.indexOf(QLatin1Char(':'));
            const QString kind = expectation.left(colon);
            const QString value = expectation.mid(colon + 1).trimmed();
            if (kind == QStringLiteral("expect")) {
                CHECK(result.ok() == (value == QStringLiteral("starts")));
            } else if (kind == QStringLiteral("expect-warning")) {
                CHECK(hasIssue(result, ConfigIssue::Severity::Warning, value));
            } else if (kind == QStringLiteral("expect-error")) {
                CHECK(hasIssue(result, ConfigIssue::Severity::Error, value));
            } else if (kind == QStringLiteral("expect-deployments")) {
                CHECK(int(result.config.deployments.size()) == value.toInt());
            } else if (kind == QStringLiteral("expect-deployment")) {
                const QStringList parts = value.split(QLatin1Char(' '));
                const Deployment *deployment = deploymentNamed(result.config, parts.value(0));
                REQUIRE(deployment);
                CHECK(deployment->upstreamModel == parts.value(1));
                CHECK(deployment->apiBase.toString() == parts.value(2));
                if (parts.size() > 3)
                    CHECK(deployment->apiKey == parts.value(3));
            } else if (kind == QStringLiteral("expect-skipped")) {
                CHECK(result.config.skippedModels.contains(value));
                CHECK(deploymentNamed(result.config, value) == nullptr);
            } else if (kind == QStringLiteral("expect-fallback")) {
                const QStringList parts = value.split(QStringLiteral(" -> "));
                CHECK(result.config.router.fallbacks.value(parts.value(0)) ==
                      parts.value(1).split(QLatin1Char(','), Qt::SkipEmptyParts));
            } else if (kind == QStringLiteral("expect-alias")) {
                const QStringList parts = value.split(QStringLiteral(" -> "));
                CHECK(result.config.groupAliases.value(parts.value(0)) == parts.value(1));
            } else if (kind == QStringLiteral("expect-setting")) {
                const QStringList parts = value.split(QLatin1Char(' '));
                CHECK(setting(result.config, parts.value(0)) == parts.value(1));
            } else {
                FAIL("unknown expectation " << kind.toStdString());
            }
        }
    }
}
