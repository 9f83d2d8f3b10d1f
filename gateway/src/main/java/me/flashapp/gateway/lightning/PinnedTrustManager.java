package me.flashapp.gateway.lightning;

import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, by the SHA-256 of its DER (BTCPay's certthumbprint).
 * LND's certificate is self-signed and names whatever hosts the operator listed, so neither a CA
 * nor the host name says anything: the pin is the whole check.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final String sha256Hex;

  PinnedTrustManager(String sha256Hex) {
    this.sha256Hex = sha256Hex;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the node presented no certificate");
    }
    String actual;
    try {
      actual = LndEndpoint.sha256Hex(chain[0].getEncoded());
    } catch (CertificateEncodingException e) {
      throw new CertificateException(e);
    }
    if (!actual.equalsIgnoreCase(sha256Hex)) {
      throw new CertificateException("the node's TLS certificate (sha256 " + actual
          + ") is not the pinned one (sha256 " + sha256Hex + ")");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
