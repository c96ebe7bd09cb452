#include "server/static_files.h"

#include "temp_dir.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace sb::server;
using Kind = StaticAnswer::Kind;

namespace {

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (auto d : {"site/console", "site/assets/fonts", "site/widget", "site/demo", "site/empty"})
            std::filesystem::create_directories(dir / d);
        for (auto f : {"site/console/console.html", "site/console/console.js", "site/console/console.wasm",
                       "site/assets/fonts/DejaVuSans.ttf", "site/widget/widget.js", "site/demo/index.html",
                       "site/demo/shop page.html", "secret.txt"})
            std::ofstream(dir / f) << "x";
    }
    StaticAnswer get(std::string_view target) { return resolve_static(dir / "site", target); }
    sb::test::TempDir dir;
};

} // namespace

TEST_F(StaticFilesTest, ServesFilesWithTheirMimeType) {
    auto a = get("/console/console.js?v=3");
    ASSERT_EQ(a.kind, Kind::file);
    EXPECT_EQ(a.file, dir / "site/console/console.js");
    EXPECT_EQ(a.mime, "text/javascript");
    EXPECT_EQ(get("/console/console.wasm").mime, "application/wasm");
    EXPECT_EQ(get("/assets/fonts/DejaVuSans.ttf").mime, "font/ttf");
    EXPECT_EQ(get("/demo/shop%20page.html").kind, Kind::file);
}

TEST_F(StaticFilesTest, DirectoryServesIndexOrItsNamedPage) {
    auto demo = get("/demo/");
    ASSERT_EQ(demo.kind, Kind::file);
    EXPECT_EQ(demo.file, dir / "site/demo/index.html");
    auto console = get("/console/");
    ASSERT_EQ(console.kind, Kind::file);
    EXPECT_EQ(console.file, dir / "site/console/console.html");
    EXPECT_EQ(console.mime, "text/html; charset=utf-8");
    EXPECT_EQ(get("/empty/").kind, Kind::not_found);
}

TEST_F(StaticFilesTest, DirectoryWithoutSlashRedirects) {
    auto a = get("/console");
    ASSERT_EQ(a.kind, Kind::redirect);
    EXPECT_EQ(a.location, "/console/");
}

TEST_F(StaticFilesTest, MissingFilesAreNotFound) {
    EXPECT_EQ(get("/console/nope.js").kind, Kind::not_found);
    EXPECT_EQ(get("/console/console.js/").kind, Kind::not_found);
}

TEST_F(StaticFilesTest, RefusesPathTraversal) {
    for (auto target : {"/../secret.txt", "/console/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
                        "/console/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "//etc/passwd",
                        "/./console/console.html", "/console/%00.html", "/%zz", "/%2", "secret.txt",
                        "http://x/secret.txt", "/console\\..\\..\\secret.txt"})
        EXPECT_EQ(get(target).kind, Kind::bad_request) << target;
    EXPECT_EQ(get("/etc/passwd").kind, Kind::not_found); // absolute-looking paths stay inside the root
}

TEST(MimeType, KnowsTheWebTypes) {
    EXPECT_EQ(mime_type("a.html"), "text/html; charset=utf-8");
    EXPECT_EQ(mime_type("a.js"), "text/javascript");
    EXPECT_EQ(mime_type("a.wasm"), "application/wasm");
    EXPECT_EQ(mime_type("a.ttf"), "font/ttf");
    EXPECT_EQ(mime_type("a.woff2"), "font/woff2");
    EXPECT_EQ(mime_type("a.css"), "text/css");
    EXPECT_EQ(mime_type("a.png"), "image/png");
    EXPECT_EQ(mime_type("a.svg"), "image/svg+xml");
    EXPECT_EQ(mime_type("a.json"), "application/json");
    EXPECT_EQ(mime_type("a.ico"), "image/x-icon");
    EXPECT_EQ(mime_type("A.HTML"), "text/html; charset=utf-8");
    EXPECT_EQ(mime_type("a.bin"), "application/octet-stream");
    EXPECT_EQ(mime_type("Makefile"), "application/octet-stream");
}
