// PlayPage: the /play page, one self-contained HTML document (inline CSS and JavaScript,
// nothing fetched from elsewhere) to type SQL, run it against this server and see the
// result as a table, or as a chart for a time series. Its source is server/play.html;
// cmake/embed_text.cmake writes it into a generated .cc at build time.
//
// Thread-safe: the text is a constant.
#ifndef TALLY_SERVER_PLAY_PAGE_H_
#define TALLY_SERVER_PLAY_PAGE_H_

#include "absl/strings/string_view.h"

namespace tally::server {

// server/play.html's bytes, exactly.
absl::string_view PlayPage();

}  // namespace tally::server

#endif  // TALLY_SERVER_PLAY_PAGE_H_
