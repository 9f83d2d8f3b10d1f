package me.flashapp.gateway.bitcoin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bitcoinj.crypto.ChildNumber;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;

/**
 * Where a store's receiving addresses come from: an account-level extended public key, the
 * output type, and the non-hardened path from the key to the external chain. Addresses are
 * derived with BIP32 public derivation (bitcoinj), so no private key is ever needed.
 *
 * <p>Accepted forms, see {@link #parse}:
 * <ul>
 *   <li>a bare SLIP-132 key: {@code xpub}/{@code tpub} (P2WPKH, BTCPay's default),
 *       {@code ypub}/{@code upub} (P2SH-P2WPKH), {@code zpub}/{@code vpub} (P2WPKH);
 *   <li>BTCPay's scheme suffixes on a plain key: {@code xpub...-[p2sh]}, {@code -[legacy]},
 *       {@code -[taproot]};
 *   <li>output descriptors {@code wpkh(KEY)}, {@code sh(wpkh(KEY))}, {@code pkh(KEY)},
 *       {@code tr(KEY)} with {@code KEY = [fingerprint/path]xpub/.../*}, an optional
 *       {@code <0;1>} step (the first branch, the external chain, is used) and an optional
 *       {@code #checksum} that is verified (BIP380).
 * </ul>
 * For a bare key or BTCPay scheme the external chain is {@code 0}, so address {@code i} is
 * {@code key/0/i}. Immutable and thread-safe.
 */
public final class DerivationScheme {
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{8}");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,10}");

  private final Network network;
  private final OutputType type;
  private final ExtendedPublicKey accountKey;
  private final String origin;
  private final int[] chainPath;
  private final DeterministicKey chainKey;

  private DerivationScheme(Network network, OutputType type, ExtendedPublicKey accountKey, String origin, int[] chainPath) {
    this.network = network;
    this.type = type;
    this.accountKey = accountKey;
    this.origin = origin;
    this.chainPath = chainPath;
    DeterministicKey k = accountKey.key();
    for (int step : chainPath) {
      k = HDKeyDerivation.deriveChildKey(k, new ChildNumber(step, false));
    }
    this.chainKey = k;
  }

  /**
   * Parses any accepted form for {@code network}.
   *
   * @throws InvalidDerivationSchemeException with a user-facing message
   */
  public static DerivationScheme parse(String text, Network network) {
    if (text == null || text.isBlank()) {
      throw new InvalidDerivationSchemeException("derivation scheme is empty");
    }
    String s = text.strip();
    return s.indexOf('(') >= 0 ? parseDescriptor(s, network) : parseBtcPay(s, network);
  }

  /** Scheme for a bare extended key and an explicit type, external chain 0. */
  public static DerivationScheme of(String extendedPublicKey, OutputType type, Network network) {
    return new DerivationScheme(network, type, ExtendedPublicKey.parse(extendedPublicKey.strip(), network), "", new int[] {0});
  }

  private static DerivationScheme parseBtcPay(String s, Network network) {
    if (s.contains("-of-")) {
      throw new InvalidDerivationSchemeException("multisig derivation schemes are not supported");
    }
    int dash = s.indexOf("-[");
    String keyText = dash < 0 ? s : s.substring(0, dash);
    String tag = null;
    if (dash >= 0) {
      String rest = s.substring(dash);
      if (!rest.endsWith("]") || rest.indexOf("-[", 1) >= 0) {
        throw new InvalidDerivationSchemeException("unsupported derivation scheme suffix '" + rest
            + "' (expected -[p2sh], -[legacy] or -[taproot])");
      }
      tag = rest.substring(2, rest.length() - 1);
    }
    ExtendedPublicKey key = ExtendedPublicKey.parse(keyText, network);
    OutputType implied = key.impliedType();
    OutputType type;
    if (tag == null) {
      type = implied != null ? implied : OutputType.P2WPKH;
    } else {
      type = switch (tag) {
        case "p2sh" -> OutputType.P2SH_P2WPKH;
        case "legacy" -> OutputType.P2PKH;
        case "taproot" -> OutputType.P2TR;
        default -> throw new InvalidDerivationSchemeException("unsupported derivation scheme suffix '-[" + tag
            + "]' (expected -[p2sh], -[legacy] or -[taproot])");
      };
      if (implied != null && implied != type) {
        throw new InvalidDerivationSchemeException("a " + key.versionName() + " key is " + implied
            + " and cannot be used with -[" + tag + "]; give the plain xpub/tpub instead");
      }
    }
    return new DerivationScheme(network, type, key, "", new int[] {0});
  }

  private static DerivationScheme parseDescriptor(String s, Network network) {
    String body = s;
    int hash = s.lastIndexOf('#');
    if (hash >= 0) {
      body = s.substring(0, hash);
      String given = s.substring(hash + 1);
      String expected;
      try {
        expected = DescriptorChecksum.compute(body);
      } catch (IllegalArgumentException e) {
        throw new InvalidDerivationSchemeException(e.getMessage(), e);
      }
      if (!expected.equals(given)) {
        throw new InvalidDerivationSchemeException("descriptor checksum mismatch: '" + given
            + "' does not match the descriptor");
      }
    }
    OutputType type = null;
    String inner = null;
    for (OutputType t : OutputType.values()) {
      if (body.startsWith(t.descriptorOpen()) && body.endsWith(t.descriptorClose())) {
        type = t;
        inner = body.substring(t.descriptorOpen().length(), body.length() - t.descriptorClose().length());
        break;
      }
    }
    if (type == null) {
      throw new InvalidDerivationSchemeException(
          "unsupported descriptor: expected wpkh(KEY), sh(wpkh(KEY)), pkh(KEY) or tr(KEY)");
    }
    if (inner.indexOf('(') >= 0 || inner.indexOf(',') >= 0 || inner.indexOf(')') >= 0) {
      throw new InvalidDerivationSchemeException("only single-key descriptors are supported");
    }
    String origin = "";
    if (inner.startsWith("[")) {
      int close = inner.indexOf(']');
      if (close < 0) {
        throw new InvalidDerivationSchemeException("key origin '[' is not closed");
      }
      origin = canonicalOrigin(inner.substring(1, close));
      inner = inner.substring(close + 1);
    }
    int slash = inner.indexOf('/');
    String keyText = slash < 0 ? inner : inner.substring(0, slash);
    ExtendedPublicKey key = ExtendedPublicKey.parse(keyText, network);
    if (key.impliedType() != null) {
      throw new InvalidDerivationSchemeException("descriptors take xpub/tpub keys, not " + key.versionName()
          + "; the descriptor function already says the script type");
    }
    if (slash < 0) {
      throw new InvalidDerivationSchemeException("the descriptor must end in /* so that addresses can be derived");
    }
    return new DerivationScheme(network, type, key, origin, chainPath(inner.substring(slash + 1)));
  }

  private static int[] chainPath(String path) {
    String[] parts = path.split("/", -1);
    String last = parts[parts.length - 1];
    if (!last.equals("*")) {
      throw new InvalidDerivationSchemeException(last.startsWith("*")
          ? "hardened wildcard '" + last + "' needs the private key; use /*"
          : "the descriptor must end in /* so that addresses can be derived");
    }
    int[] steps = new int[parts.length - 1];
    boolean multipath = false;
    for (int i = 0; i < steps.length; i++) {
      String p = parts[i];
      if (p.startsWith("<") && p.endsWith(">")) {
        if (multipath) {
          throw new InvalidDerivationSchemeException("only one <a;b> step is allowed");
        }
        multipath = true;
        String[] branches = p.substring(1, p.length() - 1).split(";", -1);
        if (branches.length < 2) {
          throw new InvalidDerivationSchemeException("a multipath step needs at least two branches: " + p);
        }
        for (String b : branches) {
          unhardened(b);
        }
        // The first branch is the receive (external) chain; change addresses are not handed out.
        steps[i] = unhardened(branches[0]);
      } else {
        steps[i] = unhardened(p);
      }
    }
    return steps;
  }

  private static int unhardened(String step) {
    if (step.endsWith("h") || step.endsWith("H") || step.endsWith("'")) {
      throw new InvalidDerivationSchemeException("hardened step '" + step
          + "' after the extended key needs the private key; give the key at that depth instead");
    }
    return pathNumber(step);
  }

  private static int pathNumber(String step) {
    if (!NUMBER.matcher(step).matches() || Long.parseLong(step) >= (1L << 31)) {
      throw new InvalidDerivationSchemeException("invalid derivation step '" + step + "'");
    }
    return Integer.parseInt(step);
  }

  private static String canonicalOrigin(String text) {
    String[] parts = text.split("/", -1);
    if (!FINGERPRINT.matcher(parts[0]).matches()) {
      throw new InvalidDerivationSchemeException("key origin must start with an 8-hex-digit fingerprint");
    }
    StringBuilder sb = new StringBuilder("[").append(parts[0].toLowerCase(Locale.ROOT));
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      boolean hardened = p.endsWith("h") || p.endsWith("H") || p.endsWith("'");
      int n = pathNumber(hardened ? p.substring(0, p.length() - 1) : p);
      sb.append('/').append(n).append(hardened ? "h" : "");
    }
    return sb.append(']').toString();
  }

  /** The network the key belongs to. */
  public Network network() {
    return network;
  }

  /** How derived keys become scripts. */
  public OutputType outputType() {
    return type;
  }

  /** The account key as a plain xpub/tpub string. */
  public String accountKey() {
    return accountKey.toStandardString();
  }

  /**
   * The scriptPubKey of external address {@code index} (key/0/index for bare keys).
   *
   * @param index 0 to 2^31 - 1
   */
  public byte[] deriveScript(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("address index must be in 0..2^31-1: " + index);
    }
    DeterministicKey child = HDKeyDerivation.deriveChildKey(chainKey, new ChildNumber(index, false));
    return type.scriptFor(child.getPubKey());
  }

  /** The address string of external address {@code index}. */
  public String deriveAddress(int index) {
    return AddressCodec.fromScriptPubKey(deriveScript(index), network);
  }

  /**
   * The canonical form for storage: the descriptor of the external chain with its checksum, e.g.
   * {@code wpkh([d34db33f/84h/0h/0h]xpub.../0/*)#checksum}. {@link #parse} of it yields an equal
   * scheme. A {@code <0;1>} step is written as the branch used ({@code 0}).
   */
  public String canonical() {
    StringBuilder sb = new StringBuilder(type.descriptorOpen()).append(origin).append(accountKey.toStandardString());
    for (int step : chainPath) {
      sb.append('/').append(step);
    }
    sb.append("/*").append(type.descriptorClose());
    return DescriptorChecksum.append(sb.toString());
  }

  /** The derivation steps from the account key to the external chain (usually {@code [0]}). */
  public List<Integer> chainPath() {
    List<Integer> out = new ArrayList<>(chainPath.length);
    for (int s : chainPath) {
      out.add(s);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DerivationScheme d && d.network == network && d.canonical().equals(canonical());
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  @Override
  public String toString() {
    return canonical();
  }
}
