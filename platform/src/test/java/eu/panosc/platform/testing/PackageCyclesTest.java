package eu.panosc.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCyclesTest {
  @TempDir
  Path root;

  private void write(String pkg, String name, String body) throws IOException {
    Path dir = root.resolve(pkg.replace('.', '/'));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".java"), "package " + pkg + ";\n\n" + body);
  }

  @Test
  void loopsWhenTwoPackagesImportEachOtherThenListsTheLoop() throws IOException {
    write("x.a", "A", "import x.b.B;\nfinal class A { B b; }\n");
    write("x.b", "B", "import x.a.A;\nfinal class B { A a; }\n");
    write("x.c", "C", "import x.a.A;\nfinal class C { A a; }\n");

    assertThat(PackageCycles.scan(root).loops()).containsExactly(List.of("x.a", "x.b"));
    assertThatThrownBy(() -> PackageCycles.assertNone(root)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("loop: x.a <-> x.b").hasMessageNotContaining("x.c");
  }

  @Test
  void loopsWhenLoopClosesThroughStaticImportNestedTypeAndQualifiedNameThenFindsIt() throws IOException {
    write("x.a", "A", "import static x.b.B.helper;\nfinal class A {}\n");
    write("x.b", "B", "import x.c.C.Nested;\nfinal class B { static void helper() {} }\n");
    write("x.c", "C", "final class C { record Nested() {} Object o = new x.a.A(); }\n");

    assertThat(PackageCycles.scan(root).loops()).containsExactly(List.of("x.a", "x.b", "x.c"));
  }

  @Test
  void loopsWhenOnlyCommentsAndStringsNameTheOtherPackageThenNone() throws IOException {
    write("x.a", "A", "import x.b.B;\nfinal class A { B b; }\n");
    write("x.b", "B", "/** See {@link x.a.A}. */\nfinal class B {\n  // x.a.A\n  String s = \"x.a.A\";\n"
        + "  String t = \"\"\"\n    x.a.A\n    \"\"\";\n}\n");

    PackageCycles.assertNone(root);
    assertThat(PackageCycles.scan(root).arrows()).containsEntry("x.a", java.util.Set.of("x.b"))
        .containsEntry("x.b", java.util.Set.of());
  }

  @Test
  void mainSourcesWhenScannedThenHaveNoPackageLoops() {
    PackageCycles.assertNone(Path.of("src/main/java"));
  }
}
