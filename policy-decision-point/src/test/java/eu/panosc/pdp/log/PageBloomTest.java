package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page filter: no false negatives, about 1 % false positives at a page's usual size, and its fixed format. */
class PageBloomTest {
  @Test
  void ofWhenAThousandIdsThenEveryOneFoundAndAboutOnePercentOfOthers() {
    List<PageBloom.Hashes> in = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      in.add(PageBloom.hashes("hmac:subject-" + i));
    }
    byte[] filter = PageBloom.of(in);
    assertThat(filter).hasSize(1250);
    in.forEach(h -> assertThat(PageBloom.mayContain(filter, h)).isTrue());
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) {
      falsePositives += PageBloom.mayContain(filter, PageBloom.hashes("hmac:other-" + i)) ? 1 : 0;
    }
    assertThat(falsePositives).isBetween(200, 2_000);   // 0.2–2 %; ~0.8 % expected for 10 bits and 7 probes
  }

  @Test
  void hashesWhenKnownIdThenTheDocumentedBitsOfMd5() {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661: h1 = 0x0cc175b9, h2 = 0xc0f1b6a8
    PageBloom.Hashes h = PageBloom.hashes("a");
    assertThat(h.h1()).isEqualTo(0x0cc175b9L);
    assertThat(h.h2()).isEqualTo(0xc0f1b6a8L);
    assertThat(h.bit(3, 64)).isEqualTo((0x0cc175b9L + 3 * 0xc0f1b6a8L) % 64);
    byte[] filter = PageBloom.of(List.of(h));
    assertThat(filter).hasSize(PageBloom.MIN_BYTES);
    int set = 0;
    for (byte b : filter) {
      set += Integer.bitCount(b & 0xFF);
    }
    assertThat(set).isBetween(1, PageBloom.PROBES);
    long bit = h.bit(0, 64);
    assertThat(filter[(int) (bit / 8)] & (1 << (bit % 8))).isNotZero();
  }

  @Test
  void ofWhenAnyHashesAndSizeThenExactlyTheBitsOfTheDocumentedFormula() {
    java.util.Random rnd = new java.util.Random(7);
    for (int ids : new int[] {1, 3, 10, 999, 1000}) {
      List<PageBloom.Hashes> in = new ArrayList<>();
      for (int k = 0; k < ids; k++) {
        // unsigned 32-bit values, the extremes included
        long h1 = k == 0 ? 0xFFFF_FFFFL : rnd.nextLong() & 0xFFFF_FFFFL;
        long h2 = k == 0 ? 0xFFFF_FFFFL : k == 1 ? 0 : rnd.nextLong() & 0xFFFF_FFFFL;
        in.add(new PageBloom.Hashes(h1, h2));
      }
      byte[] filter = PageBloom.of(in);
      byte[] expected = new byte[filter.length];
      long bits = filter.length * 8L;
      for (PageBloom.Hashes h : in) {
        for (int i = 0; i < PageBloom.PROBES; i++) {
          long n = (h.h1() + i * h.h2()) % bits;
          expected[(int) (n / 8)] |= (byte) (1 << (n % 8));
        }
      }
      assertThat(filter).as("%d ids", ids).isEqualTo(expected);
    }
  }
}
