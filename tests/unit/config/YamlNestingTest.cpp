#include "config/YamlNesting.h"
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <QDirIterator>
#include <QFile>
#include <QThread>

using namespace sb;

namespace {

QByteArray repeated(const char *piece, int times)
{
    QByteArray out;
    for (int i = 0; i < times; ++i)
        out += piece;
    return out;
}

// A map nested `levels` deep in block style: "k:\n k:\n  k: ..." one space deeper each time.
QByteArray blockMaps(int levels)
{
    QByteArray out;
    for (int i = 0; i < levels; ++i)
        out += QByteArray(i, ' ') + "k:\n";
    out += QByteArray(levels, ' ') + "v: 1\n";
    return out;
}

// Loads on a thread with a small stack (192 KB). yaml-cpp recursing ~2000 levels deep needs
// more than that here (without the guard this test dies of SIGSEGV), and more still in a
// debug or sanitizer build, where the fuzzer found the crash; macOS gives secondary threads
// 512 KB, so the margin matters.
ConfigLoadResult loadOnSmallStack(const QByteArray &yaml)
{
    ConfigLoadResult result;
    QThread *thread = QThread::create([&] { result = ConfigLoader::loadText(yaml, QStringLiteral("deep.yaml")); });
    thread->setStackSize(192 * 1024);
    thread->start();
    REQUIRE(thread->wait(60000));
    delete thread;
    return result;
}

bool refusedForNesting(const ConfigLoadResult &result, int *line = nullptr)
{
    for (const ConfigIssue &issue : result.issues) {
        if (issue.severity == ConfigIssue::Severity::Error &&
            issue.message.contains(QStringLiteral("nests more than 100 levels deep"))) {
            if (line)
                *line = issue.line;
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("the nesting estimate counts block, compact and flow levels")
{
    CHECK(measureYamlNesting(QByteArray()).depth == 0);
    CHECK(measureYamlNesting("a: 1\nb: 2\n").depth == 1);
    const YamlNesting three = measureYamlNesting("a:\n  b:\n    c: 1\nd: 2\n");
    CHECK(three.depth == 3);
    CHECK(three.line == 3);
    CHECK(three.firstLineOverLimit == 0);
    CHECK(measureYamlNesting("- - - x\n").depth == 4);
    CHECK(measureYamlNesting("a: [[[1]]]\n").depth == 4);
    // Flow collections over several lines keep their depth.
    CHECK(measureYamlNesting("a: [\n  [\n    [1]\n  ]\n]\nb: 1\n").depth == 4);
    // Brackets in quotes, comments and block scalars are text, not levels.
    CHECK(measureYamlNesting("a: \"[[[[\"\nb: '{{{{' # [[[[\n").depth == 1);
    CHECK(measureYamlNesting("a: \"x\\\"[[[[\"\n").depth == 1);
    CHECK(measureYamlNesting("a: 'it''s [[[['\n").depth == 1);
    CHECK(measureYamlNesting("it's: [1]\n").depth == 2); // a quote inside a plain word opens nothing
    CHECK(measureYamlNesting("a: |\n  [[[[\n     deeper\n        and deeper\nb: 1\n").depth == 1);
    CHECK(measureYamlNesting("- >-\n  text\n    more\n").depth == 2);
}

TEST_CASE("every config in the fixtures is well under the nesting limit")
{
    int files = 0;
    QDirIterator it(QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/config"), {QStringLiteral("*.yaml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        REQUIRE(file.open(QIODevice::ReadOnly));
        const YamlNesting nesting = measureYamlNesting(file.readAll());
        INFO(file.fileName().toStdString());
        CHECK(nesting.depth <= 12);
        ++files;
    }
    CHECK(files >= 10);
}

TEST_CASE("a config nested thousands of levels deep is refused before the parser, even on a small stack")
{
    int line = -1;
    SECTION("flow lists")
    {
        const ConfigLoadResult result = loadOnSmallStack("model_list: " + repeated("[", 1999) + repeated("]", 1999));
        CHECK(refusedForNesting(result, &line));
        CHECK(line == 1);
    }
    SECTION("flow maps")
    {
        const ConfigLoadResult result = loadOnSmallStack(repeated("{a: ", 1999) + repeated("}", 1999) + "\n");
        CHECK(refusedForNesting(result, &line));
    }
    SECTION("block maps")
    {
        const ConfigLoadResult result = loadOnSmallStack(blockMaps(1500));
        CHECK(refusedForNesting(result, &line));
        CHECK(line == 101); // where the 101st level opens
    }
    SECTION("compact sequences")
    {
        const ConfigLoadResult result = loadOnSmallStack(repeated("- ", 1999) + "x\n");
        CHECK(refusedForNesting(result, &line));
    }
    CHECK_FALSE(loadOnSmallStack(blockMaps(1500)).ok());
}

TEST_CASE("nesting up to the limit is read as before")
{
    // 60 levels: odd for a config, but within the limit, so only the usual errors about its keys.
    const ConfigLoadResult result = ConfigLoader::loadText(blockMaps(60), QStringLiteral("deep.yaml"));
    CHECK_FALSE(refusedForNesting(result));
    const ConfigLoadResult list =
        ConfigLoader::loadText("x: " + repeated("[", 90) + repeated("]", 90) + "\n", QStringLiteral("deep.yaml"));
    CHECK_FALSE(refusedForNesting(list));
}

TEST_CASE("an alias inside its own node, or aliases that multiply, are refused before anything walks them")
{
    // Found by fuzz_config_yaml: each of these sent the loader into endless recursion.
    for (const char *yaml :
         {"a: &x [*x]\n", "a: &x {k: *x}\n", "model_list:\n  - &d {model_name: m, x: *d}\n", "a: &x {<<: *x}\n"}) {
        INFO(yaml);
        const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.errors().join(QLatin1Char('\n')).contains(QStringLiteral("refers to a node that contains it")));
    }
    // Ten levels of ten aliases each: 10^10 nodes through a 20-line file.
    QByteArray laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 10; ++i) {
        const QByteArray prev = "*l" + QByteArray::number(i - 1);
        laughs += "l" + QByteArray::number(i) + ": &l" + QByteArray::number(i) + " [" + prev + ", " + prev + ", " +
                  prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " +
                  prev + "]\n";
    }
    const ConfigLoadResult multiplied = ConfigLoader::loadText(laughs, QStringLiteral("t.yaml"));
    REQUIRE_FALSE(multiplied.ok());
    CHECK(multiplied.errors().join(QLatin1Char('\n')).contains(QStringLiteral("aliases expand")));

    // Aliases used as configs use them still load.
    const ConfigLoadResult shared =
        ConfigLoader::loadText("base: &base {api_base: 'http://127.0.0.1:11434'}\n"
                               "model_list:\n  - model_name: m\n    litellm_params: {<<: *base, model: ollama/m}\n",
                               QStringLiteral("t.yaml"));
    CHECK(shared.ok());
}
