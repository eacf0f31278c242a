package eu.panosc.aai.saml.metadata;

import static eu.panosc.aai.saml.metadata.MetadataFixture.FEDERATION;
import static eu.panosc.aai.saml.metadata.MetadataFixture.NOW;
import static eu.panosc.aai.saml.metadata.MetadataFixture.OTHER;
import static eu.panosc.aai.saml.metadata.MetadataFixture.aggregate;
import static eu.panosc.aai.saml.metadata.MetadataFixture.signed;
import static eu.panosc.aai.saml.metadata.MetadataFixture.smallIdp;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.panosc.platform.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A refused document leaves a log line naming the URL, the kind of refusal and what follows for logins. */
class RefusalLogTest {
  private static final URI URL = URI.create("https://metadata.example.org/aggregate.xml");
  private static final String A = "https://a.example.org/idp";
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final MutableClock clock = new MutableClock(NOW);
  private final ScriptedFetcher fetcher = new ScriptedFetcher();

  @BeforeEach
  void attach() {
    log.start();
    ((Logger) LoggerFactory.getLogger(UrlMetadataSource.class)).addAppender(log);
    ((Logger) LoggerFactory.getLogger(MdqMetadataSource.class)).addAppender(log);
  }

  @AfterEach
  void detach() {
    ((Logger) LoggerFactory.getLogger(UrlMetadataSource.class)).detachAppender(log);
    ((Logger) LoggerFactory.getLogger(MdqMetadataSource.class)).detachAppender(log);
  }

  @Test
  void wronglySignedAggregateWithoutGoodCopyThenErrorNamingUrlAndReason() {
    UrlMetadataSource source = new UrlMetadataSource(URL, FEDERATION.certificate(), fetcher, 1 << 20,
        new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(1)), clock);
    fetcher.answer(URL, signed(aggregate("2031-05-08T00:00:00Z", null, smallIdp(A)), OTHER));

    assertThat(source.lookup(A).failed()).isTrue();

    assertThat(log.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.ERROR);
      assertThat(e.getFormattedMessage()).contains(URL.toString()).contains("SIGNATURE_INVALID")
          .contains("pinned certificate").contains("no valid copy is left");
    });
  }

  @Test
  void expiredMdqAnswerWithGoodCopyThenWarningNamingTheCopyKept() {
    MdqMetadataSource source = new MdqMetadataSource(URI.create("https://r.example.org/registry/mdq"),
        FEDERATION.certificate(), fetcher, 1 << 20, new RefreshPolicy(Duration.ofMinutes(1), Duration.ofHours(1)),
        Duration.ofMinutes(1), 10, clock);
    URI url = source.urlOf(A);
    fetcher.answer(url, signed(smallIdp(A).replace(" entityID=", " validUntil=\"2031-05-02T00:00:00Z\""
        + " cacheDuration=\"PT10M\" entityID="), FEDERATION));
    source.lookup(A);
    fetcher.answer(url, signed(smallIdp(A).replace(" entityID=", " validUntil=\"2031-05-01T10:05:00Z\" entityID="),
        FEDERATION));
    clock.advance(Duration.ofMinutes(10));

    assertThat(source.lookup(A).result()).isPresent();

    assertThat(log.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getFormattedMessage()).contains(A).contains("EXPIRED").contains("keeping the copy valid until "
          + "2031-05-02T00:00:00Z");
    });
  }
}
