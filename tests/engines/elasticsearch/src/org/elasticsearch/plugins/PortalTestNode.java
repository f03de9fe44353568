/*
 * Starts one Elasticsearch 8 node in this JVM for the portal's test suite: the
 * real org.elasticsearch:elasticsearch server and its transport-netty4 HTTP
 * module, both from Maven Central, on loopback, security off (no x-pack).
 *
 * Elastic publishes neither a distribution nor the analysis-common module to
 * Maven Central (codelibs' republished modules stop at 7.10.2), so the analysers
 * the portal's mapping names (language analysers, lowercase, asciifolding,
 * edge_ngram) are registered by PortalAnalysisPlugin below from Lucene's own
 * analysis classes, which the server already ships with.
 *
 * It lives in org.elasticsearch.plugins to hand the node its plugins from the
 * class path, as the server's own test framework does (MockPluginsService).
 *
 * Prints "READY <http-port>" once the cluster is at least yellow and stops the
 * node when standard input closes (the test session that started it ended).
 *
 *   java -Xmx512m -cp <classes>:<classpath> org.elasticsearch.plugins.PortalTestNode \
 *        <base-dir> <http-port> <transport-port>
 */
package org.elasticsearch.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.health.ClusterHealthRequest;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerScope;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.node.Node;

public class PortalTestNode {

    /** Lucene's analysers under the names of Elasticsearch's analysis-common. */
    public static class PortalAnalysisPlugin extends Plugin implements AnalysisPlugin {
        @Override
        public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
            Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
            filters.put("lowercase", (is, env, name, s) -> filter(name, LowerCaseFilter::new, true));
            filters.put("asciifolding", (is, env, name, s) -> filter(name, ASCIIFoldingFilter::new, true));
            filters.put("cjk_width", (is, env, name, s) -> filter(name, CJKWidthFilter::new, true));
            filters.put("cjk_bigram", (is, env, name, s) -> filter(name, CJKBigramFilter::new, false));
            filters.put("edge_ngram", (is, env, name, s) -> {
                int min = s.getAsInt("min_gram", 1);
                int max = s.getAsInt("max_gram", 2);
                return filter(name, in -> new EdgeNGramTokenFilter(in, min, max, false), false);
            });
            return filters;
        }

        @Override
        public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
            Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new TreeMap<>();
            analyzers.put("english", (is, env, name, s) -> analyzer(name, new EnglishAnalyzer()));
            analyzers.put("french", (is, env, name, s) -> analyzer(name, new FrenchAnalyzer()));
            analyzers.put("spanish", (is, env, name, s) -> analyzer(name, new SpanishAnalyzer()));
            analyzers.put("russian", (is, env, name, s) -> analyzer(name, new RussianAnalyzer()));
            analyzers.put("arabic", (is, env, name, s) -> analyzer(name, new ArabicAnalyzer()));
            analyzers.put("portuguese", (is, env, name, s) -> analyzer(name, new PortugueseAnalyzer()));
            analyzers.put("cjk", (is, env, name, s) -> analyzer(name, new CJKAnalyzer()));
            return analyzers;
        }

        private static TokenFilterFactory filter(String name, Function<TokenStream, TokenStream> make, boolean normalizes) {
            return new TokenFilterFactory() {
                public String name() { return name; }
                public TokenStream create(TokenStream in) { return make.apply(in); }
                public TokenStream normalize(TokenStream in) {
                    return normalizes ? make.apply(in) : in;
                }
            };
        }

        private static AnalyzerProvider<Analyzer> analyzer(String name, Analyzer analyzer) {
            return new AnalyzerProvider<>() {
                public String name() { return name; }
                public AnalyzerScope scope() { return AnalyzerScope.INDEX; }
                public Analyzer get() { return analyzer; }
            };
        }
    }

    private static PluginsLoader classpathPlugins(Path base, List<Class<? extends Plugin>> classes) throws Exception {
        Map<String, Object> layers = new TreeMap<>();
        Class<?> layerType = Class.forName("org.elasticsearch.plugins.PluginsLoader$LoadedPluginLayer");
        var newLayer = layerType.getDeclaredConstructor(PluginBundle.class, ClassLoader.class, ModuleLayer.class, ClassLoader.class, ModuleLayer.class);
        newLayer.setAccessible(true);
        ClassLoader loader = PortalTestNode.class.getClassLoader();
        for (Class<? extends Plugin> type : classes) {
            Path dir = Files.createDirectories(base.resolve("plugins-on-classpath").resolve(type.getSimpleName()));
            PluginDescriptor descriptor = new PluginDescriptor(
                type.getSimpleName(), "from the class path", Build.current().version(),
                Build.current().version(), "17", type.getName(), null, List.of(),
                false, false, false, false);
            PluginBundle bundle = new PluginBundle(descriptor, dir);
            layers.put(type.getSimpleName(), newLayer.newInstance(bundle, loader, ModuleLayer.boot(), loader, ModuleLayer.boot()));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        PluginsLoader plugins = new PluginsLoader(Set.of(), Set.of(), (Map) layers);
        return plugins;
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]).toAbsolutePath();
        String httpPort = args[1];
        String transportPort = args[2];
        Files.createDirectories(base.resolve("config"));
        Settings settings = Settings.builder()
            .put("path.home", base.toString())
            .put("path.data", base.resolve("data").toString())
            .put("path.logs", base.resolve("logs").toString())
            .put("cluster.name", "portal-tests")
            .put("node.name", "portal-tests")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.destructive_requires_name", false)
            .build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = new Environment(settings, base.resolve("config"));
        Class<? extends Plugin> netty = Class.forName("org.elasticsearch.transport.netty4.Netty4Plugin").asSubclass(Plugin.class);
        Node node = new Node(environment, classpathPlugins(base, List.of(netty, PortalAnalysisPlugin.class)));
        node.start();
        node.client().admin().cluster().health(new ClusterHealthRequest(TimeValue.timeValueSeconds(60)).waitForYellowStatus()).get();
        System.out.println("READY " + httpPort);
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our stdin
        }
        node.close();
        System.exit(0);
    }
}
