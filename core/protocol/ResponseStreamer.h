#pragma once

#include "StreamEvent.h"

namespace sb {

// A whole Response → the event sequence a streaming upstream would have sent for it, for
// streaming clients served by a non-streaming answer. Each block gets one delta with its
// whole text (tool input as compact JSON); thinking signatures follow as a signature delta.
class ResponseStreamer final
{
public:
    static StreamEvents toEvents(const Response &response);
};

} // namespace sb
