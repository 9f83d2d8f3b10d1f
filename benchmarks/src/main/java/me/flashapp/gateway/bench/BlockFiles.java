package me.flashapp.gateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real mainnet blocks in {@code shared/data/blocks}. */
final class BlockFiles {
  private BlockFiles() {}

  static byte[] read(int height) {
    try {
      return Files.readAllBytes(dir().resolve(height + ".bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path dir() {
    String prop = System.getProperty("shared.data.dir");
    if (prop != null && Files.isDirectory(Path.of(prop, "blocks"))) {
      return Path.of(prop, "blocks");
    }
    // JMH forks run in the caller's working directory: walk up to find the shared data.
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared/data/blocks");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/data/blocks not found; pass -Dshared.data.dir=<dir>");
  }
}
