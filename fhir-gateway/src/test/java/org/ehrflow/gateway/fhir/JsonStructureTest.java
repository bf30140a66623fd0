package org.ehrflow.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ehrflow.schemas.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tree check agrees with HAPI's parser on the corpus and finds what it finds, with exact paths. */
class JsonStructureTest {

    private static final Path FHIR = Path.of("../../shared/corpus/fhir");
    private final JsonStructure structure = new JsonStructure(true);
    private final FhirCodec hapi = new FhirCodec(true);

    @Test
    void everyCorpusResourceIsValidForBothChecks() throws IOException {
        List<String> disagree = new ArrayList<>();
        int n = 0;
        try (Stream<Path> files = Files.walk(FHIR)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> docs = f.toString().endsWith(".ndjson")
                        ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList()
                        : List.of(Files.readString(f));
                for (String doc : docs) {
                    n++;
                    List<ParseIssue> tree = structure.check(Json.MAPPER.readTree(doc));
                    boolean hapiOk = hapi.parse(doc, FhirFormat.JSON) instanceof FhirCodec.Parsed.Ok;
                    if (!tree.isEmpty() || !hapiOk) {
                        disagree.add(f.getFileName() + ": " + tree + " hapi ok " + hapiOk);
                    }
                }
            }
        }
        assertThat(n).isGreaterThan(1800);
        assertThat(disagree).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'resourceType':'Patient','birthDate':'1970-13-01'}|Patient.birthDate|",
        "{'resourceType':'Patient','active':'yes'}|Patient.active|",
        "{'resourceType':'Patient','name':{'family':'x'}}|Patient.name|",
        "{'resourceType':'Patient','gender':['male']}|Patient.gender|stricter",
        "{'resourceType':'Patient','colour':'blue'}|Patient.colour|",
        "{'resourceType':'Patient','ZZSENTINEL':1}|Patient.(unnamed)|",
        "{'resourceType':'Observation','status':'final','code':{'text':'x'},'valueQuantity':{'value':'72'}}|Observation.valueQuantity.value|stricter",
        "{'resourceType':'Bundle','type':'transaction','entry':[{},{'resource':{'resourceType':'Patient','birthDate':'x'}}]}|Bundle.entry[1].resource.birthDate|",
        "{'resourceType':'Bundle','type':'transaction','entry':[{'resource':{'resourceType':'Nope'}}]}|Bundle.entry[0].resource|",
        "{'resourceType':'Observation','meta':{'lastUpdated':'2020-01-01'}}|Observation.meta.lastUpdated|stricter"})
    void findsWhatIsWrongWithAnExactPath(String json, String path, String stricter) throws IOException {
        JsonNode tree = Json.MAPPER.readTree(json.replace('\'', '"'));
        assertThat(structure.check(tree)).extracting(ParseIssue::path).containsExactly(path);
        if (stricter == null) {
            // HAPI's parser finds a problem too (or cannot parse it at all).
            assertThat(hapi.parse(tree.toString(), FhirFormat.JSON)).isNotInstanceOf(FhirCodec.Parsed.Ok.class);
        } else {
            // R4 JSON forbids it (an array for a single element, a number as a string, an instant without time);
            // HAPI's parser lets it pass and coerces. The gateway refuses it rather than guess.
            assertThat(hapi.parse(tree.toString(), FhirFormat.JSON)).isInstanceOf(FhirCodec.Parsed.Ok.class);
        }
    }

    @Test
    void choiceTypesContainedResourcesExtensionsAndSidecarsAreValid() throws IOException {
        String json = "{'resourceType':'Observation','id':'o1','status':'final','code':{'text':'x'},"
                + "'valueString':'ok','_status':{'extension':[{'url':'http://x','valueBoolean':true}]},"
                + "'contained':[{'resourceType':'Patient','id':'p','birthDate':'2000'}],"
                + "'extension':[{'url':'http://e','valueCodeableConcept':{'text':'t'}}],"
                + "'text':{'status':'generated','div':'<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">x</div>'},"
                + "'effectiveDateTime':'2020-05-29T11:44:13.1882432-05:00','issued':'2020-05-29T11:44:13Z'}";
        String doc = json.replace('\'', '"');
        assertThat(structure.check(Json.MAPPER.readTree(doc))).isEmpty();
        assertThat(hapi.parse(doc, FhirFormat.JSON)).isInstanceOf(FhirCodec.Parsed.Ok.class);
    }
}
