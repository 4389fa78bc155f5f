#pragma once

#include "StreamEvent.h"

#include <QHash>

namespace sb {

// Canonical events → the non-streaming Response: text, thinking and signatures are
// concatenated per block, tool input partial JSON is joined and parsed at the block's stop.
// An Error event (or tool input that is not a JSON object) makes the result failed().
class StreamAggregator final
{
public:
    void add(const StreamEvent &event);
    void add(const StreamEvents &events);
    bool failed() const { return m_failed; }
    ApiError error() const { return m_error; }
    // True once MessageStop was seen.
    bool isComplete() const { return m_complete; }
    Response response() const { return m_response; }

private:
    ContentPart *part(int index);

    Response m_response;
    QHash<int, size_t> m_partByIndex; // block index → position in m_response.content
    QHash<int, QString> m_toolInput;  // block index → partial JSON so far
    ApiError m_error;
    bool m_failed = false;
    bool m_complete = false;
};

} // namespace sb
