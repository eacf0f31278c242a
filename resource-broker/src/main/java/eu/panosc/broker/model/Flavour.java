package eu.panosc.broker.model;

import eu.panosc.platform.input.Input;
import java.util.Objects;

/**
 * A size of session (CPU cores, memory, GPUs), as JupyterHub profiles and VISA flavours offer them, and the scratch
 * space it gets ({@code scratchGi} GiB, a per-session volume claim on Kubernetes; 0: none).
 */
public record Flavour(String id, String title, Resources resources, Visibility visibility, int scratchGi) {
  public Flavour {
    Input.id("flavour.id", id, 64);
    Input.text("flavour.title", title, 200, true);
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(visibility, "visibility");
    Input.range("flavour.scratchGi", scratchGi, 0, 100_000);
  }

  /** A flavour without scratch space. */
  public Flavour(String id, String title, Resources resources, Visibility visibility) {
    this(id, title, resources, visibility, 0);
  }
}
