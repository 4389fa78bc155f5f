#pragma once

#include "protocol/Request.h"

namespace sb {

// About as many bytes as an encoded body's text will take (exact for ASCII): what a byte
// writer reserves up front so the usual body needs one allocation. Tool schemas and inputs
// are not counted; callers add headroom for them.
qsizetype approximateTextUnits(const Request &request);

} // namespace sb
