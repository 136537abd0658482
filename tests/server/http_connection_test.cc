#include "server/http_connection.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/test_util.h"

namespace tally::server {
namespace {

using HeadState = HttpConnection::HeadState;

// A connection over a socket pair: the test writes the client's bytes on `client`.
struct Pair {
  explicit Pair(HttpLimits limits = {}) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    client = fds[0];
    conn = std::make_unique<HttpConnection>(fds[1], limits);
  }
  ~Pair() {
    ::shutdown(client, SHUT_RDWR);  // wakes a writer still sending
    Join();
    ::close(client);
  }
  // Writes from another thread: a large write must not wait for the test's reads.
  void SendLater(std::string bytes) {
    writer = std::thread([this, bytes = std::move(bytes)] {
      size_t done = 0;
      while (done < bytes.size()) {
        ssize_t n = ::send(client, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
      }
    });
  }
  void Send(absl::string_view bytes) { ASSERT_EQ(::send(client, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size())); }
  // What the server wrote so far.
  std::string Received() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(client, buf, sizeof buf, MSG_DONTWAIT)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  absl::StatusOr<std::string> Body(size_t piece = 7) {
    std::string all, buf(piece, '\0');
    while (true) {
      absl::StatusOr<size_t> n = conn->ReadBody(buf.data(), piece);
      if (!n.ok()) return n.status();
      if (*n == 0) return all;
      all.append(buf.data(), *n);
    }
  }
  void Join() {
    if (writer.joinable()) writer.join();
  }

  int client;
  std::unique_ptr<HttpConnection> conn;
  std::thread writer;
};

TEST(HttpConnectionTest, ParsesTheRequestLineHeadersAndParameters) {
  Pair p;
  p.Send("\r\nGET /p%41th?query=SELECT+1%2C2&empty&x=a%3Db HTTP/1.1\r\nHost: h\r\nX-ClickHouse-User:  bob \r\n\r\n");
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  const HttpRequest& r = p.conn->request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/p%41th?query=SELECT+1%2C2&empty&x=a%3Db");
  EXPECT_EQ(r.path, "/pAth");
  ASSERT_NE(r.Param("query"), nullptr);
  EXPECT_EQ(*r.Param("query"), "SELECT 1,2");
  EXPECT_EQ(*r.Param("empty"), "");
  EXPECT_EQ(*r.Param("x"), "a=b");
  ASSERT_NE(r.Header("x-clickhouse-user"), nullptr);
  EXPECT_EQ(*r.Header("x-clickhouse-user"), "bob");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.has_body());
  EXPECT_EQ(p.Body().value(), "");
}

TEST(HttpConnectionTest, AHeadArrivingByteByByteIsPendingUntilWhole) {
  Pair p;
  const std::string head = "POST /?a=1 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\n";
  EXPECT_EQ(p.conn->ReadHead(absl::ZeroDuration()), HeadState::kPending);
  EXPECT_EQ(p.conn->head_started(), absl::InfiniteFuture());
  for (size_t i = 0; i + 1 < head.size(); ++i) {
    p.Send(head.substr(i, 1));
    ASSERT_EQ(p.conn->ReadHead(absl::ZeroDuration()), HeadState::kPending) << i;
    EXPECT_NE(p.conn->head_started(), absl::InfiniteFuture());
  }
  p.Send(head.substr(head.size() - 1) + "abc");
  ASSERT_EQ(p.conn->ReadHead(absl::ZeroDuration()), HeadState::kReady);
  EXPECT_TRUE(p.conn->request().keep_alive);  // HTTP/1.0 asked for it
  EXPECT_EQ(p.conn->request().content_length, 3u);
  EXPECT_EQ(p.Body(1).value(), "abc");
}

TEST(HttpConnectionTest, BodiesStreamInPiecesAndPipelinedRequestsFollow) {
  Pair p;
  std::string body(300000, 'x');
  for (size_t i = 0; i < body.size(); i += 1000) body[i] = static_cast<char>('a' + i % 26);
  std::string chunked;
  for (size_t i = 0; i < body.size(); i += 70000) {
    std::string piece = body.substr(i, 70000);
    absl::StrAppend(&chunked, absl::Hex(piece.size()), i == 0 ? ";name=value" : "", "\r\n", piece, "\r\n");
  }
  chunked += "0\r\nX-Trailer: t\r\n\r\n";
  p.SendLater(absl::StrCat("POST / HTTP/1.1\r\nContent-Length: ", body.size(), "\r\n\r\n", body,
                           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", chunked,
                           "GET /last HTTP/1.1\r\nConnection: close\r\n\r\n"));
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  EXPECT_EQ(p.Body(4096).value(), body);
  ASSERT_OK(p.conn->Respond(200, "text/plain", "one"));
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  EXPECT_TRUE(p.conn->request().chunked);
  EXPECT_EQ(p.Body(65536).value(), body);
  ASSERT_OK(p.conn->Respond(200, "text/plain", "two"));
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  EXPECT_EQ(p.conn->request().path, "/last");
  EXPECT_FALSE(p.conn->request().keep_alive);
  ASSERT_OK(p.conn->Respond(200, "text/plain", "three"));
  EXPECT_FALSE(p.conn->reusable());
  EXPECT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kGone);
  p.Join();
  std::string out = p.Received();
  EXPECT_NE(out.find("\r\n\r\none"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("Connection: Close\r\nContent-Length: 5\r\n\r\nthree")) << out;
}

TEST(HttpConnectionTest, AResponseToHeadHasItsLengthButNoBody) {
  HttpLimits limits;
  limits.response_buffer_bytes = 10;
  Pair p(limits);
  p.Send("HEAD /ping HTTP/1.1\r\n\r\nHEAD /big HTTP/1.1\r\n\r\nGET /ping HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  ASSERT_OK(p.conn->Respond(200, "text/plain", "Ok.\n"));
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  for (int i = 0; i < 100; ++i) ASSERT_OK(p.conn->Write(std::string(1000, 'x')));  // committed: chunked
  ASSERT_OK(p.conn->Finish());
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  ASSERT_OK(p.conn->Respond(200, "text/plain", "Ok.\n"));
  std::string out = p.Received();
  EXPECT_TRUE(out.find("Content-Length: 4\r\n\r\nHTTP/1.1 200 OK\r\n") != std::string::npos) << out;
  EXPECT_TRUE(out.find("Transfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\n") != std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("Content-Length: 4\r\n\r\nOk.\n")) << out;
  EXPECT_EQ(out.find("xxxx"), std::string::npos);
}

TEST(HttpConnectionTest, MalformedHeadsAreRefusedWithTheirStatus) {
  HttpLimits limits;
  limits.body_bytes_max = 1000;
  const std::pair<std::string, int> cases[] = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTP/3\r\n\r\n", 505},
      {"GET / FTP/1.1\r\n\r\n", 400},
      {"GET noslash HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\nHost: x\n\n", 400},  // bare line feeds
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", 413},
      {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nExpect: something\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n", 431},
      {"GET /" + std::string(70000, 'a') + " HTTP/1.1\r\n\r\n", 431},
  };
  for (const auto& [request, status] : cases) {
    Pair p(limits);
    p.SendLater(request);
    HeadState state;
    do {
      state = p.conn->ReadHead(absl::Seconds(5));
    } while (state == HeadState::kPending);
    ASSERT_EQ(state, HeadState::kBad) << request.substr(0, 60);
    EXPECT_EQ(p.conn->error().status, status) << request.substr(0, 60) << ": " << p.conn->error().message;
    p.conn->RespondNow(p.conn->error().status, "text/plain", p.conn->error().message);
    p.Join();
    EXPECT_TRUE(p.Received().starts_with(absl::StrCat("HTTP/1.1 ", status, " "))) << request.substr(0, 60);
    EXPECT_FALSE(p.conn->reusable());
  }
}

TEST(HttpConnectionTest, BadChunksAndOversizedBodiesFailTheBodyRead) {
  HttpLimits limits;
  limits.body_bytes_max = 10;
  {
    Pair p(limits);
    p.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
    EXPECT_STATUS(p.Body(), absl::StatusCode::kInvalidArgument, "malformed chunked request body");
    EXPECT_FALSE(p.conn->reusable());
  }
  {
    Pair p(limits);
    p.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n");  // longer than its size
    ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
    EXPECT_STATUS(p.Body(), absl::StatusCode::kInvalidArgument, "malformed chunked request body");
  }
  {
    Pair p(limits);
    p.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
    ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
    EXPECT_STATUS(p.Body(), absl::StatusCode::kResourceExhausted, "exceeds the limit of 10 bytes");
  }
  {
    Pair p;  // a chunk-size line that never ends
    p.SendLater("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1" + std::string(100000, '0'));
    ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
    EXPECT_FALSE(p.Body().ok());
    p.Join();
  }
}

TEST(HttpConnectionTest, AStalledOrAbandonedBodyEndsTheRequest) {
  HttpLimits limits;
  limits.receive_timeout = absl::Milliseconds(200);
  {
    Pair p(limits);
    p.Send("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nhalf");
    ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
    const absl::Time start = absl::Now();
    EXPECT_STATUS(p.Body(), absl::StatusCode::kDataLoss, "ended after 4 of 10 bytes");
    EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
    EXPECT_LT(absl::Now() - start, absl::Seconds(3));
    EXPECT_FALSE(p.conn->reusable());
  }
  {
    Pair p(limits);
    p.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nhalf\r\n");
    ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
    ::shutdown(p.client, SHUT_WR);
    EXPECT_STATUS(p.Body(), absl::StatusCode::kDataLoss, "ended early after 4 bytes");
  }
}

TEST(HttpConnectionTest, AnIdleConnectionIsPendingAndAClosedOneGone) {
  HttpLimits limits;
  limits.receive_timeout = absl::Milliseconds(100);
  Pair p(limits);
  const absl::Time start = absl::Now();
  EXPECT_EQ(p.conn->ReadHead(absl::Milliseconds(50)), HeadState::kPending);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(40));
  // ReadRequest's deadline: nothing sent is NotFound, half a head is 408.
  HttpError error{0, ""};
  EXPECT_STATUS(p.conn->ReadRequest(absl::Milliseconds(50), &error), absl::StatusCode::kNotFound, "");
  p.Send("GET / HT");
  EXPECT_STATUS(p.conn->ReadRequest(absl::Milliseconds(50), &error), absl::StatusCode::kInvalidArgument, "timed out");
  EXPECT_EQ(error.status, 408);

  Pair q;
  ::shutdown(q.client, SHUT_WR);
  EXPECT_EQ(q.conn->ReadHead(absl::Seconds(5)), HeadState::kGone);
}

TEST(HttpConnectionTest, ExpectContinueIsAnsweredBeforeTheBodyIsRead) {
  Pair p;
  p.Send("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  EXPECT_EQ(p.Received(), "");
  p.Send("ok");
  EXPECT_EQ(p.Body().value(), "ok");
  EXPECT_EQ(p.Received(), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(HttpConnectionTest, LargeResponsesStreamInChunksAndAnUnreadBodyEndsKeepAlive) {
  HttpLimits limits;
  limits.response_buffer_bytes = 100;
  Pair p(limits);
  p.Send("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab");
  ASSERT_EQ(p.conn->ReadHead(absl::Seconds(5)), HeadState::kReady);
  std::thread reader([&] {
    std::string all;
    char buf[65536];
    ssize_t n;
    while ((n = ::recv(p.client, buf, sizeof buf, 0)) > 0) all.append(buf, static_cast<size_t>(n));
    EXPECT_NE(all.find("Connection: Close\r\nTransfer-Encoding: chunked\r\n\r\n"), std::string::npos);
    EXPECT_TRUE(all.ends_with("\r\n0\r\n\r\n"));
  });
  for (int i = 0; i < 1000; ++i) ASSERT_OK(p.conn->Write(std::string(1000, 'r')));
  ASSERT_OK(p.conn->Finish());
  EXPECT_FALSE(p.conn->reusable());  // three bytes of the body were never read
  p.conn->Close();
  reader.join();
}

}  // namespace
}  // namespace tally::server
