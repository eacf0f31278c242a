package eu.panosc.broker.model;

import eu.panosc.platform.input.Input;
import java.util.Objects;

/** A size of session (CPU cores, memory, GPUs), as JupyterHub profiles and VISA flavours offer them. */
public record Flavour(String id, String title, Resources resources, Visibility visibility) {
  public Flavour {
    Input.id("flavour.id", id, 64);
    Input.text("flavour.title", title, 200, true);
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(visibility, "visibility");
  }
}
