// HttpConnection's response head beyond the plain case: header lines sent while the
// response is produced (ShareHead / SendHeaderLine, the server's progress headers), a
// response held whole (HoldResponse, wait_end_of_query=1), WriteCommits and
// DiscardResponse.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http_connection.h"
#include "tests/test_util.h"

namespace tally::server {
namespace {

// A connection over a socket pair with one request read: `request` from the client.
struct Exchange {
  explicit Exchange(absl::string_view request, HttpLimits limits = {}) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    client = fds[0];
    conn = std::make_unique<HttpConnection>(fds[1], limits);
    EXPECT_EQ(::send(client, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
    EXPECT_EQ(conn->ReadHead(absl::Seconds(5)), HttpConnection::HeadState::kReady);
  }
  ~Exchange() {
    conn.reset();
    ::close(client);
  }
  // What the server wrote since the last call.
  std::string Received() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(client, buf, sizeof buf, MSG_DONTWAIT)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

  int client;
  std::unique_ptr<HttpConnection> conn;
};

constexpr char kPost[] = "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n";

TEST(HttpResponseHeadTest, HeaderLinesGoOutBeforeTheRestOfTheHead) {
  Exchange e(kPost);
  e.conn->AddHeader("A", "1");
  ASSERT_OK(e.conn->ShareHead(true));
  EXPECT_FALSE(e.conn->committed());
  EXPECT_TRUE(e.conn->SendHeaderLine("X-Progress", "1"));
  EXPECT_TRUE(e.conn->committed());  // the status is out
  EXPECT_EQ(e.Received(), "HTTP/1.1 200 OK\r\nA: 1\r\nX-Progress: 1\r\n");
  e.conn->AddHeader("B", "2");
  ASSERT_OK(e.conn->Write("hello"));
  EXPECT_TRUE(e.conn->SendHeaderLine("X-Progress", "2"));
  EXPECT_EQ(e.Received(), "B: 2\r\nX-Progress: 2\r\n");
  e.conn->AddHeader("C", "3");
  ASSERT_OK(e.conn->Finish());  // a body that fits the buffer still gets its length
  EXPECT_FALSE(e.conn->SendHeaderLine("X-Progress", "3"));
  ASSERT_OK(e.conn->ShareHead(false));
  EXPECT_EQ(e.Received(), "C: 3\r\nConnection: Keep-Alive\r\nKeep-Alive: timeout=10\r\nContent-Length: 5\r\n\r\nhello");
}

TEST(HttpResponseHeadTest, NoLinesUnlessShared) {
  Exchange e(kPost);
  EXPECT_FALSE(e.conn->SendHeaderLine("X-Progress", "1"));
  EXPECT_FALSE(e.conn->committed());
  ASSERT_OK(e.conn->Finish());
  EXPECT_TRUE(absl::StartsWith(e.Received(), "HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\n"));
}

TEST(HttpResponseHeadTest, AnErrorAfterHeaderLinesEndsABrokenChunkedBody) {
  Exchange e(kPost);
  ASSERT_OK(e.conn->ShareHead(true));
  ASSERT_TRUE(e.conn->SendHeaderLine("X-Progress", "1"));
  ASSERT_OK(e.conn->ShareHead(false));
  e.conn->AddHeader("X-ClickHouse-Exception-Code", "159");
  e.conn->Abort("boom");
  EXPECT_EQ(e.Received(),
            "HTTP/1.1 200 OK\r\nX-Progress: 1\r\nX-ClickHouse-Exception-Code: 159\r\nConnection: Close\r\n"
            "Transfer-Encoding: chunked\r\n\r\n4\r\nboom\r\n");  // and no last chunk
  EXPECT_FALSE(e.conn->reusable());
}

TEST(HttpResponseHeadTest, TheBodyStartingEndsTheLines) {
  HttpLimits limits;
  limits.response_buffer_bytes = 10;
  Exchange e(kPost, limits);
  ASSERT_OK(e.conn->ShareHead(true));
  ASSERT_TRUE(e.conn->SendHeaderLine("X-Progress", "1"));
  EXPECT_FALSE(e.conn->WriteCommits(10));
  EXPECT_TRUE(e.conn->WriteCommits(11));
  ASSERT_OK(e.conn->Write(std::string(11, 'x')));  // past the buffer: the head ends, chunked
  EXPECT_FALSE(e.conn->SendHeaderLine("X-Progress", "2"));
  ASSERT_OK(e.conn->Finish());
  ASSERT_OK(e.conn->ShareHead(false));
  EXPECT_EQ(e.Received(),
            "HTTP/1.1 200 OK\r\nX-Progress: 1\r\nConnection: Keep-Alive\r\nKeep-Alive: timeout=10\r\n"
            "Transfer-Encoding: chunked\r\n\r\nb\r\nxxxxxxxxxxx\r\n0\r\n\r\n");
}

TEST(HttpResponseHeadTest, AHeldResponseIsSentWholeOrNotAtAll) {
  HttpLimits limits;
  limits.response_buffer_bytes = 10;
  Exchange e(kPost, limits);
  e.conn->HoldResponse(100);
  e.conn->AddHeader("Content-Type", "text/plain");
  ASSERT_OK(e.conn->Write(std::string(60, 'x')));
  EXPECT_FALSE(e.conn->WriteCommits(30));  // held: past the buffer, nothing is sent
  EXPECT_EQ(e.Received(), "");
  EXPECT_TRUE(absl::IsResourceExhausted(e.conn->Write(std::string(60, 'y'))));
  EXPECT_FALSE(e.conn->committed());
  e.conn->DiscardResponse();  // the error answers with its own headers
  ASSERT_OK(e.conn->Respond(500, "text/plain; charset=UTF-8", "too big"));
  EXPECT_EQ(e.Received(),
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            "Connection: Keep-Alive\r\nKeep-Alive: timeout=10\r\nContent-Length: 7\r\n\r\ntoo big");

  // The next response is not held.
  ASSERT_EQ(::send(e.client, kPost, sizeof kPost - 1, 0), static_cast<ssize_t>(sizeof kPost - 1));
  ASSERT_EQ(e.conn->ReadHead(absl::Seconds(5)), HttpConnection::HeadState::kReady);
  EXPECT_TRUE(e.conn->WriteCommits(11));
}

TEST(HttpResponseHeadTest, LinesFromAnotherThreadNeverTearTheResponse) {
  HttpLimits limits;
  limits.response_buffer_bytes = 1000;
  Exchange e(kPost, limits);
  ASSERT_OK(e.conn->ShareHead(true));
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::thread ticker([&] {
    for (int i = 0; !stop.load(); ++i) sent += e.conn->SendHeaderLine("X-Progress", absl::StrCat(i)) ? 1 : 0;
  });
  std::string all;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = ::recv(e.client, buf, sizeof buf, 0)) > 0) all.append(buf, static_cast<size_t>(n));
  });
  int added = 0;  // headers added before the head ended (those after it are never sent)
  bool body_started = false;
  for (int i = 0; i < 200; ++i) {
    if (!body_started) e.conn->AddHeader(absl::StrCat("H", added++), "v");
    body_started |= e.conn->WriteCommits(10);
    ASSERT_OK(e.conn->Write(std::string(10, 'a' + i % 26)));
  }
  ASSERT_TRUE(body_started);
  ASSERT_OK(e.conn->Finish());
  stop = true;
  ticker.join();
  ASSERT_OK(e.conn->ShareHead(false));
  e.conn->Close();
  reader.join();
  // Whole lines only, every header once, then the body.
  const size_t end = all.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string head = all.substr(0, end + 2);
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200 OK\r\n"));
  int lines = 0;
  for (size_t pos = head.find("\r\n") + 2; pos < head.size(); pos = head.find("\r\n", pos) + 2) {
    const std::string line = head.substr(pos, head.find("\r\n", pos) - pos);
    EXPECT_TRUE(absl::StartsWith(line, "X-Progress: ") || absl::StartsWith(line, "H") ||
                absl::StartsWith(line, "Connection") || absl::StartsWith(line, "Keep-Alive") ||
                absl::StartsWith(line, "Transfer-Encoding"))
        << line;
    lines += absl::StartsWith(line, "X-Progress: ");
  }
  EXPECT_EQ(lines, sent.load());
  for (int i = 0; i < added; ++i) {
    EXPECT_NE(head.find(absl::StrCat("\r\nH", i, ": v\r\n")), std::string::npos) << i;
  }
  EXPECT_TRUE(absl::EndsWith(all, "0\r\n\r\n"));
}

}  // namespace
}  // namespace tally::server
