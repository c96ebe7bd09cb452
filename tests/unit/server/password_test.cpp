#include "server/agent_directory.h"
#include "server/password.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"

#include <gtest/gtest.h>

using namespace sb::server;

TEST(Password, HashVerifiesOnlyItsPassword) {
    ASSERT_TRUE(init_crypto());
    auto h = hash_password("alice-demo");
    EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(verify_password(h, "alice-demo"));
    EXPECT_FALSE(verify_password(h, "alice-dem0"));
    EXPECT_FALSE(verify_password(h, ""));
    EXPECT_FALSE(verify_password("", "alice-demo"));
    EXPECT_FALSE(verify_password("not a hash", "alice-demo"));
    EXPECT_NE(hash_password("alice-demo"), h); // salted
}

TEST(Password, TokensAreRandomHex) {
    ASSERT_TRUE(init_crypto());
    auto a = random_token(), b = random_token();
    EXPECT_EQ(a.size(), 64u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(a, b);
}

TEST(AgentDirectory, KeepsTheStoredHashWhenThePasswordIsUnchanged) {
    ASSERT_TRUE(init_crypto());
    sb::test::TempDir dir;
    AgentConfig alice{"alice", "Alice Rossi", "alice-demo", "", {"sales"}, {"en"}, 3};
    std::string first;
    {
        auto store = open_sqlite_store(dir / "db.sqlite");
        AgentDirectory(*store).sync({alice});
        first = store->find_agent("alice")->password_hash;
    }
    auto store = open_sqlite_store(dir / "db.sqlite"); // a restart
    AgentDirectory directory(*store);
    directory.sync({alice});
    EXPECT_EQ(store->find_agent("alice")->password_hash, first);

    alice.password = "new-password";
    directory.sync({alice});
    auto changed = store->find_agent("alice")->password_hash;
    EXPECT_NE(changed, first);
    EXPECT_TRUE(directory.authenticate("alice", "new-password"));
    EXPECT_FALSE(directory.authenticate("alice", "alice-demo"));
}

TEST(AgentDirectory, StoresAConfiguredHashAsIs) {
    ASSERT_TRUE(init_crypto());
    sb::test::TempDir dir;
    auto hash = hash_password("bruno-demo");
    auto store = open_sqlite_store(dir / "db.sqlite");
    AgentDirectory directory(*store);
    directory.sync({AgentConfig{"bruno", "Bruno Bianchi", "", hash, {"support"}, {"it"}, 2}});
    EXPECT_EQ(store->find_agent("bruno")->password_hash, hash);
    auto profile = directory.authenticate("bruno", "bruno-demo");
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->name, "Bruno Bianchi");
    EXPECT_EQ(profile->capacity, 2);
}

TEST(AgentDirectory, UnknownLoginAndWrongPasswordAreRefusedAlike) {
    ASSERT_TRUE(init_crypto());
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    AgentDirectory directory(*store);
    directory.sync({AgentConfig{"carla", "Carla Verdi", "carla-demo", "", {"sales"}, {"en", "es"}, 2}});
    EXPECT_FALSE(directory.authenticate("nobody", "carla-demo"));
    EXPECT_FALSE(directory.authenticate("carla", "wrong"));
    EXPECT_TRUE(directory.authenticate("carla", "carla-demo"));
}

TEST(AgentDirectory, RemovesAgentsNoLongerConfigured) {
    ASSERT_TRUE(init_crypto());
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    AgentDirectory directory(*store);
    auto hash = hash_password("x");
    directory.sync({AgentConfig{"alice", "A", "", hash, {}, {}, 1}, AgentConfig{"bruno", "B", "", hash, {}, {}, 1}});
    auto token = directory.open_session("bruno", 100);
    directory.sync({AgentConfig{"alice", "A", "", hash, {}, {}, 1}});
    EXPECT_FALSE(store->find_agent("bruno"));
    EXPECT_FALSE(store->find_session(token));
    EXPECT_TRUE(store->find_agent("alice"));
}

TEST(AgentDirectory, SessionsResumeUntilIdleTooLong) {
    ASSERT_TRUE(init_crypto());
    sb::test::TempDir dir;
    auto store = open_sqlite_store(dir / "db.sqlite");
    AgentDirectory directory(*store);
    directory.sync({AgentConfig{"alice", "A", "", hash_password("x"), {}, {}, 1}});
    auto token = directory.open_session("alice", 1000);
    EXPECT_EQ(directory.resume_session(token, 1500, 600), "alice");
    EXPECT_EQ(directory.resume_session(token, 2000, 600), "alice"); // 500 s after the last resume
    EXPECT_FALSE(directory.resume_session(token, 2700, 600));      // idle 700 s: gone
    EXPECT_FALSE(directory.resume_session(token, 2701, 600));
    EXPECT_FALSE(directory.resume_session("unknown", 1000, 600));
}
