package dev.lanecontroller.hal.camera;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A camera's post as a JSON tree the {@link PlateMapping}'s pointers read: a JSON body as it is; an
 * XML body (Hikvision's ISAPI alarms) as the root element's children, each element a field, repeated
 * ones a list, attributes ignored; a multipart body by its first JSON or XML part, the image parts
 * skipped unread (an image is never kept).
 */
final class PostBody {
    /** What a camera posted that is not a document this lane can read; its message says why (400). */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    private static final int XML_DEPTH_MAX = 32;

    private PostBody() {}

    static JsonNode document(byte[] body, String contentType, ObjectMapper json) throws Unreadable {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            return multipart(body, contentType, json);
        }
        if (type.contains("xml") || startsWithAngle(body)) {
            return xml(body);
        }
        try {
            JsonNode document = json.readTree(body);
            if (document == null) {
                throw new Unreadable("empty body");
            }
            return document;
        } catch (JsonProcessingException e) {
            throw new Unreadable("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Unreadable("not JSON: " + e.getMessage());
        }
    }

    private static boolean startsWithAngle(byte[] body) {
        for (byte b : body) {
            if (b == '<') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return false;
            }
        }
        return false;
    }

    private static JsonNode xml(byte[] body) throws Unreadable {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // A camera's alarm has no business with DTDs or entities: refusing them closes XXE and entity bombs.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Element root = builder.parse(new ByteArrayInputStream(body)).getDocumentElement();
            return element(root, 0);
        } catch (SAXException | IOException e) {
            throw new Unreadable("not XML: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser takes these features", e);
        }
    }

    /** An element with child elements is an object of them; one with only text is its text. */
    private static JsonNode element(Element element, int depth) throws Unreadable {
        if (depth > XML_DEPTH_MAX) {
            throw new Unreadable("XML nested deeper than " + XML_DEPTH_MAX);
        }
        NodeList children = element.getChildNodes();
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        boolean hasElements = false;
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() != Node.ELEMENT_NODE) {
                continue;
            }
            hasElements = true;
            Element child = (Element) children.item(i);
            String name = child.getTagName().contains(":") ? child.getTagName().substring(child.getTagName().indexOf(':') + 1) : child.getTagName();
            JsonNode value = element(child, depth + 1);
            JsonNode existing = fields.get(name);
            if (existing == null) {
                fields.set(name, value);
            } else if (existing instanceof ArrayNode list) {
                list.add(value);
            } else {
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                list.add(existing);
                list.add(value);
                fields.set(name, list);
            }
        }
        return hasElements ? fields : JsonNodeFactory.instance.textNode(element.getTextContent().strip());
    }

    /** The first part that is JSON or XML; parts are split on the boundary the Content-Type names. */
    private static JsonNode multipart(byte[] body, String contentType, ObjectMapper json) throws Unreadable {
        String boundary = null;
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.strip();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                boundary = trimmed.substring("boundary=".length()).replace("\"", "");
            }
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new Unreadable("multipart without a boundary");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int partStart = at + delimiter.length;
            if (partStart + 1 < body.length && body[partStart] == '-' && body[partStart + 1] == '-') {
                break; // the closing delimiter
            }
            int next = indexOf(body, delimiter, partStart);
            int partEnd = next < 0 ? body.length : next;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), partStart);
            if (headersEnd < 0 || headersEnd > partEnd) {
                throw new Unreadable("a multipart part without headers");
            }
            String headers = new String(body, partStart, headersEnd - partStart, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (headers.contains("content-type: application/json") || headers.contains("content-type: application/xml")
                    || headers.contains("content-type: text/xml") || headers.contains("content-type: text/json")) {
                int contentEnd = partEnd >= 2 && body[partEnd - 2] == '\r' && body[partEnd - 1] == '\n' ? partEnd - 2 : partEnd;
                byte[] content = Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, contentEnd));
                return document(content, headers.contains("xml") ? "application/xml" : "application/json", json);
            }
            at = next;
        }
        throw new Unreadable("no JSON or XML part in the multipart body (images alone carry no plate)");
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
