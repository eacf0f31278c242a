package eu.panosc.benchmarks.registry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The peer of the registry's streaming aggregate: the straightforward way a DOM-based (OpenSAML-style)
 * implementation builds a signed aggregate. Parse every entity, move it into one
 * {@code md:EntitiesDescriptor} DOM, sign the whole tree with Santuario's {@link XMLSignature} (enveloped,
 * exclusive C14N, SHA-256, RSA-SHA256, the same algorithms as the registry) and serialize it with the
 * JDK's identity {@link Transformer}.
 *
 * <p>It does less than the registry: no validation of entities (entityID rules, roles, certificate
 * parsing, validUntil), no mdui extraction, and {@code adoptNode} moves nodes instead of copying them as an
 * unmarshal/marshal cycle would. So it is a lower bound for a naive DOM implementation.
 */
final class NaiveDomAggregate {
  static {
    Init.init();
  }

  private final PrivateKey key;
  private final X509Certificate certificate;
  private final String name;
  private final Duration validity;
  private final DocumentBuilderFactory factory;

  NaiveDomAggregate(PrivateKey key, X509Certificate certificate, String name, Duration validity) {
    this.key = Objects.requireNonNull(key, "key");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.name = Objects.requireNonNull(name, "name");
    this.validity = Objects.requireNonNull(validity, "validity");
    try {
      factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] build(List<byte[]> entityXml, Instant now) {
    try {
      DocumentBuilder builder = factory.newDocumentBuilder();
      Document doc = builder.newDocument();
      Element root = doc.createElementNS(AggregateChecks.MD, "md:EntitiesDescriptor");
      root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:md", AggregateChecks.MD);
      doc.appendChild(root);
      Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
      String id = "_" + issued.getEpochSecond();
      root.setAttributeNS(null, "ID", id);
      root.setIdAttributeNS(null, "ID", true);
      root.setAttributeNS(null, "Name", name);
      root.setAttributeNS(null, "validUntil", issued.plus(validity).toString());
      root.setAttributeNS(null, "cacheDuration", "PT6H");
      root.appendChild(doc.createTextNode("\n"));
      for (byte[] xml : entityXml) {
        Document entity = builder.parse(new ByteArrayInputStream(xml));
        root.appendChild(doc.adoptNode(entity.getDocumentElement()));
        root.appendChild(doc.createTextNode("\n"));
      }
      XMLSignature signature = new XMLSignature(doc, "", XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
          Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
      root.insertBefore(signature.getElement(), root.getFirstChild());
      Transforms transforms = new Transforms(doc);
      transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
      transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
      signature.addDocument("#" + id, transforms, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
      signature.addKeyInfo(certificate);
      signature.sign(key);
      ByteArrayOutputStream out = new ByteArrayOutputStream(entityXml.size() * 8192);
      Transformer transformer = TransformerFactory.newInstance().newTransformer();
      transformer.transform(new DOMSource(doc), new StreamResult(out));
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException("naive DOM aggregate failed: " + e, e);
    }
  }
}
