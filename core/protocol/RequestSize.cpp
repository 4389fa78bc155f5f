#include "RequestSize.h"

namespace sb {

namespace {

qsizetype partUnits(const ContentPart &part)
{
    qsizetype units = part.text.size() + part.imageData.size() + part.imageUrl.size();
    for (const ContentPart &inner : part.resultParts)
        units += inner.text.size() + inner.imageData.size() + inner.imageUrl.size();
    return units;
}

} // namespace

qsizetype approximateTextUnits(const Request &request)
{
    qsizetype units = 0;
    for (const ContentPart &part : request.system)
        units += partUnits(part);
    for (const Message &message : request.messages) {
        for (const ContentPart &part : message.content)
            units += partUnits(part);
    }
    for (const Tool &tool : request.tools)
        units += tool.description.size();
    return units;
}

} // namespace sb
