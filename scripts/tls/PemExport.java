// Writes keys and certificates of PKCS12 keystore entries as PEM files: keytool makes keys and certificates but cannot
// export a private key, and Kafka's PEM stores and librdkafka's `ssl.*.pem` want PEM. One run exports several
// entries, each given as four arguments: <keystore.p12> <alias> <key.pem or -> <certificate.pem or ->. The keystore
// password comes from the environment variable KEYSTORE_PASSWORD (kept off the command line). Keys are written as
// unencrypted PKCS#8. Run as a single-file source program: java PemExport.java ...
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

public class PemExport {
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args.length % 4 != 0) {
      throw new IllegalArgumentException("usage: PemExport (<keystore.p12> <alias> <key.pem|-> <certificate.pem|->)...");
    }
    char[] password = System.getenv("KEYSTORE_PASSWORD").toCharArray();
    for (int i = 0; i < args.length; i += 4) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
        store.load(in, password);
      }
      String alias = args[i + 1];
      if (!args[i + 2].equals("-")) {
        Key key = store.getKey(alias, password);
        if (key == null) throw new IllegalStateException("no key entry " + alias + " in " + args[i]);
        write(args[i + 2], "PRIVATE KEY", key.getEncoded());
      }
      if (!args[i + 3].equals("-")) {
        Certificate certificate = store.getCertificate(alias);
        if (certificate == null) throw new IllegalStateException("no certificate " + alias + " in " + args[i]);
        write(args[i + 3], "CERTIFICATE", certificate.getEncoded());
      }
    }
  }

  private static void write(String file, String label, byte[] der) throws Exception {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(Path.of(file), "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n");
  }
}
