package eu.panosc.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmasterPidFileTest {
  @TempDir
  Path pgData;

  @Test
  void parseWhenCompleteThenPidDirectoryAndPort() {
    PostmasterPidFile f = PostmasterPidFile.parse(List.of("4242", "/srv/panosc/var/postgres", "1767225600",
        "54321", "/tmp", "127.0.0.1", "  1234567    98304", "ready   "));
    assertThat(f).isEqualTo(new PostmasterPidFile(4242, "/srv/panosc/var/postgres", 54321));
    assertThat(f.malformed()).isFalse();
  }

  @Test
  void parseWhenTruncatedByCrashThenWhatItHas() {
    assertThat(PostmasterPidFile.parse(List.of("4242"))).isEqualTo(new PostmasterPidFile(4242, null, 0));
    assertThat(PostmasterPidFile.parse(List.of("4242", "/d", "x", "port?"))).isEqualTo(
        new PostmasterPidFile(4242, "/d", 0));
  }

  @Test
  void parseWhenEmptyOrGarbageThenMalformed() {
    assertThat(PostmasterPidFile.parse(List.of()).malformed()).isTrue();
    assertThat(PostmasterPidFile.parse(List.of("")).malformed()).isTrue();
    assertThat(PostmasterPidFile.parse(List.of("-7")).malformed()).isTrue();
    assertThat(PostmasterPidFile.parse(List.of("\u0000\u0000")).malformed()).isTrue();
  }

  @Test
  void readWhenAbsentThenEmptyAndWhenBinaryThenMalformed() throws Exception {
    assertThat(PostmasterPidFile.read(pgData)).isEmpty();
    Files.write(pgData.resolve("postmaster.pid"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertThat(PostmasterPidFile.read(pgData)).hasValueSatisfying(f -> assertThat(f.malformed()).isTrue());
  }
}
