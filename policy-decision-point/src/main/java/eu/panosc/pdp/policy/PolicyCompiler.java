package eu.panosc.pdp.policy;

import static dev.cel.parser.CelStandardMacro.STANDARD_MACROS;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Turns a policy file (YAML whose rule conditions are CEL) into a {@link Policy}: every condition is
 * parsed and type-checked against the declared variables and relationship functions, and must be
 * boolean. Any fault is a {@link PolicyException} with the file, the line and the reason.
 *
 * <pre>
 * name: panosc-data
 * facility: "*"            # or a facility id
 * actions: [read, download, analyse, annotate, publish]
 * deny_reason: "You may not {action} this dataset."
 * rules:
 *   - id: public-dataset
 *     actions: [read, download, analyse]
 *     relation: public
 *     when: resource.public
 *     reason: The dataset is public.
 * </pre>
 */
public final class PolicyCompiler {
  private static final MapType OBJECT = MapType.create(SimpleType.STRING, SimpleType.DYN);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Set<String> TOP_KEYS = Set.of("name", "facility", "actions", "deny_reason", "rules");
  private static final Set<String> RULE_KEYS = Set.of("id", "actions", "effect", "relation", "when", "reason");

  private final Cel cel;

  public PolicyCompiler(RelationFunctions functions) {
    Objects.requireNonNull(functions, "functions");
    this.cel = CelFactory.plannerCelBuilder()
        .setStandardMacros(STANDARD_MACROS)
        .addVar("subject", OBJECT)
        .addVar("resource", OBJECT)
        .addVar("action", OBJECT)
        .addVar("context", OBJECT)
        .addFunctionDeclarations(
            CelFunctionDecl.newFunctionDeclaration("member",
                CelOverloadDecl.newGlobalOverload("member_subject_resource",
                    "the subject's role in the resource's proposal, or \"\"", SimpleType.STRING, OBJECT, OBJECT)),
            CelFunctionDecl.newFunctionDeclaration("staff",
                CelOverloadDecl.newGlobalOverload("staff_subject_facility",
                    "the subject's staff roles at the facility", ListType.create(SimpleType.STRING), OBJECT,
                    SimpleType.STRING)))
        .addFunctionBindings(
            CelFunctionBinding.from("member_subject_resource", Map.class, Map.class, functions::member),
            CelFunctionBinding.from("staff_subject_facility", Map.class, String.class, functions::staff))
        .build();
  }

  /** Compiles {@code source}, read from {@code file}, as version {@code version}. */
  public Policy compile(String file, String source, int version) throws PolicyException {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      root = new Yaml(options).compose(new StringReader(source));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new PolicyException(file, mark == null ? 0 : mark.getLine() + 1,
          "YAML syntax error: " + e.getProblem());
    } catch (YAMLException e) {
      throw new PolicyException(file, 0, "YAML error: " + e.getMessage());
    }
    if (!(root instanceof MappingNode top)) {
      throw new PolicyException(file, root == null ? 1 : line(root), "a policy is a YAML mapping");
    }
    String name = null;
    String facility = "*";
    String denyReason = "No rule permits {action} on this dataset.";
    Set<String> actions = new LinkedHashSet<>();
    List<Rule> rules = null;
    for (NodeTuple t : top.getValue()) {
      String key = scalar(file, t.getKeyNode(), "key");
      Node value = t.getValueNode();
      switch (key) {
        case "name" -> name = id(file, value, "name");
        case "facility" -> facility = scalar(file, value, "facility");
        case "actions" -> actions.addAll(ids(file, value, "actions"));
        case "deny_reason" -> denyReason = scalar(file, value, "deny_reason");
        case "rules" -> rules = rules(file, value);
        default -> throw new PolicyException(file, line(t.getKeyNode()),
            "unknown key '" + key + "' (expected one of " + String.join(", ", TOP_KEYS) + ")");
      }
    }
    if (name == null) {
      throw new PolicyException(file, line(top), "'name' is required");
    }
    if (rules == null) {
      throw new PolicyException(file, line(top), "'rules' is required");
    }
    return new Policy(name, facility, version, file, source, rules, actions, denyReason);
  }

  private List<Rule> rules(String file, Node node) throws PolicyException {
    if (!(node instanceof SequenceNode seq)) {
      throw new PolicyException(file, line(node), "'rules' must be a list");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof MappingNode m)) {
        throw new PolicyException(file, line(item), "a rule is a mapping with id, actions, relation, when, reason");
      }
      String id = null;
      Set<String> actions = Set.of();
      boolean permit = true;
      String relation = null;
      String reason = null;
      ScalarNode when = null;
      for (NodeTuple t : m.getValue()) {
        String key = scalar(file, t.getKeyNode(), "key");
        Node value = t.getValueNode();
        switch (key) {
          case "id" -> id = id(file, value, "id");
          case "actions" -> actions = ids(file, value, "actions");
          case "effect" -> {
            String effect = scalar(file, value, "effect");
            if (!effect.equals("permit") && !effect.equals("deny")) {
              throw new PolicyException(file, line(value), "effect must be permit or deny, not '" + effect + "'");
            }
            permit = effect.equals("permit");
          }
          case "relation" -> relation = scalar(file, value, "relation");
          case "reason" -> reason = scalar(file, value, "reason");
          case "when" -> {
            if (!(value instanceof ScalarNode s)) {
              throw new PolicyException(file, line(value), "'when' must be a CEL expression (a string)");
            }
            when = s;
          }
          default -> throw new PolicyException(file, line(t.getKeyNode()),
              "unknown rule key '" + key + "' (expected one of " + String.join(", ", RULE_KEYS) + ")");
        }
      }
      if (id == null) {
        throw new PolicyException(file, line(m), "a rule needs an 'id'");
      }
      if (!ids.add(id)) {
        throw new PolicyException(file, line(m), "rule id '" + id + "' is used twice");
      }
      if (when == null) {
        throw new PolicyException(file, line(m), "rule '" + id + "' needs a 'when' condition");
      }
      CelAbstractSyntaxTree ast = checked(file, id, when);
      rules.add(new Rule(id, actions, permit, relation == null ? id : relation, reason, when.getValue(),
          line(when), program(file, id, when, ast), ResourceReads.of(ast)));
    }
    return rules;
  }

  /** The type-checked condition; a syntax or type error names the line in the YAML file. */
  private CelAbstractSyntaxTree checked(String file, String ruleId, ScalarNode when) throws PolicyException {
    int base = baseLine(when);
    CelValidationResult result = cel.compile(when.getValue(), file);
    if (result.hasError()) {
      CelIssue issue = result.getErrors().get(0);
      int exprLine = Math.max(1, issue.getSourceLocation().getLine());
      throw new PolicyException(file, base + exprLine - 1,
          "rule '" + ruleId + "': " + issue.getMessage());
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      if (ast.getResultType() != SimpleType.BOOL && ast.getResultType() != SimpleType.DYN) {
        throw new PolicyException(file, base,
            "rule '" + ruleId + "': the condition must be a bool, not " + ast.getResultType().name());
      }
      return ast;
    } catch (dev.cel.common.CelValidationException e) {
      throw new PolicyException(file, base, "rule '" + ruleId + "': " + e.getMessage());
    }
  }

  private CelRuntime.Program program(String file, String ruleId, ScalarNode when, CelAbstractSyntaxTree ast)
      throws PolicyException {
    try {
      return cel.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new PolicyException(file, baseLine(when), "rule '" + ruleId + "': " + e.getMessage());
    }
  }

  private static int baseLine(ScalarNode when) {
    int base = line(when);
    if (when.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
        || when.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED) {
      base++;  // a block scalar's text starts on the next line
    }
    return base;
  }

  private static String scalar(String file, Node node, String what) throws PolicyException {
    if (!(node instanceof ScalarNode s)) {
      throw new PolicyException(file, line(node), "'" + what + "' must be a string");
    }
    return s.getValue();
  }

  private static String id(String file, Node node, String what) throws PolicyException {
    String v = scalar(file, node, what);
    if (!ID.matcher(v).matches()) {
      throw new PolicyException(file, line(node), "'" + what + "' must match [A-Za-z0-9._-]{1,64}");
    }
    return v;
  }

  private static Set<String> ids(String file, Node node, String what) throws PolicyException {
    if (!(node instanceof SequenceNode seq)) {
      throw new PolicyException(file, line(node), "'" + what + "' must be a list");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Node n : seq.getValue()) {
      out.add(id(file, n, what));
    }
    return out;
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }
}
