package me.flashapp.gateway.bitcoin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates and loads the real mainnet blocks in {@code shared/data/blocks}. */
final class TestBlocks {
  private TestBlocks() {}

  static Path blocksDir() {
    String prop = System.getProperty("shared.data.dir");
    if (prop != null && Files.isDirectory(Path.of(prop, "blocks"))) {
      return Path.of(prop, "blocks");
    }
    // Outside surefire (an IDE run): walk up from the working directory.
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/blocks");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/data/blocks not found; set -Dshared.data.dir");
  }

  static byte[] block(int height) {
    try {
      return Files.readAllBytes(blocksDir().resolve(height + ".bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> txids(int height) {
    try {
      return Files.readAllLines(blocksDir().resolve(height + ".txids")).stream()
          .map(String::trim).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
