#include "Expected.h"

#include <QString>

#include <catch2/catch.hpp>

#include <memory>

namespace {

sb::Expected<int, QString> parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return sb::unexpected(QStringLiteral("not a port: ") + text);
    return port;
}

sb::Expected<void, QString> check(bool good)
{
    if (!good)
        return sb::unexpected(QStringLiteral("refused"));
    return {};
}

} // namespace

TEST_CASE("Expected holds either the value or the error")
{
    const auto good = parsePort(QStringLiteral("4000"));
    REQUIRE(good.hasValue());
    CHECK(static_cast<bool>(good));
    CHECK(*good == 4000);
    CHECK(good.valueOr(1) == 4000);

    const auto bad = parsePort(QStringLiteral("forty"));
    REQUIRE_FALSE(bad.hasValue());
    CHECK(bad.error() == QStringLiteral("not a port: forty"));
    CHECK(bad.valueOr(1) == 1);
}

TEST_CASE("Expected moves a value it cannot copy")
{
    sb::Expected<std::unique_ptr<int>, QString> made(std::make_unique<int>(7));
    REQUIRE(made.hasValue());
    std::unique_ptr<int> taken = std::move(made).value();
    REQUIRE(taken);
    CHECK(*taken == 7);
}

TEST_CASE("Expected<void> says only whether the step failed and why")
{
    CHECK(check(true).hasValue());
    const auto refused = check(false);
    REQUIRE_FALSE(refused.hasValue());
    CHECK(refused.error() == QStringLiteral("refused"));
}
